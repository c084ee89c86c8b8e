import * as fs from 'fs';

import { BatchField, batchSizeAt, lastOffsetAt, readInt64 } from '../protocol/record-batch';
import { readFully, unlinkIfExists, writeFully } from './fs-util';
import { OffsetIndex, TimeIndex } from './index-file';
import { SegmentFile, segmentPath } from './log-config';

/** Timestamp of a segment without records (Kafka's NO_TIMESTAMP). */
export const NO_TIMESTAMP = -1;

/**
 * One segment of a partition log: the `.log` file of batches plus its sparse `.index` and
 * `.timeindex`. Keeps its size, next offset and largest timestamp in memory. Only the active
 * (last) segment is appended to; {@link seal} turns it read-only when a new segment is rolled.
 */
export class LogSegment {
  private logFd: number | undefined;
  private sizeBytes = 0;
  private next: number;
  private maxTs = NO_TIMESTAMP;
  private bytesSinceIndexEntry = 0;
  private dirty = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    logFd: number,
  ) {
    this.logFd = logFd;
    this.next = baseOffset;
  }

  /** Creates a new, empty, writable segment (replacing stray files with the same base offset). */
  static create(dir: string, baseOffset: number): LogSegment {
    const logFd = fs.openSync(segmentPath(dir, baseOffset, SegmentFile.log), 'w+');
    for (const ext of [SegmentFile.offsetIndex, SegmentFile.timeIndex]) {
      fs.closeSync(fs.openSync(segmentPath(dir, baseOffset, ext), 'w'));
    }
    return LogSegment.open(dir, baseOffset, logFd);
  }

  /** Opens an existing segment with writable indexes; the caller must then recover its state. */
  static open(dir: string, baseOffset: number, logFd?: number): LogSegment {
    const fd = logFd ?? fs.openSync(segmentPath(dir, baseOffset, SegmentFile.log), 'r+');
    let offsetIndex: OffsetIndex | undefined;
    try {
      offsetIndex = new OffsetIndex(segmentPath(dir, baseOffset, SegmentFile.offsetIndex));
      const timeIndex = new TimeIndex(segmentPath(dir, baseOffset, SegmentFile.timeIndex));
      return new LogSegment(dir, baseOffset, offsetIndex, timeIndex, fd);
    } catch (err) {
      offsetIndex?.close();
      fs.closeSync(fd);
      throw err;
    }
  }

  /** Bytes of valid log data. */
  get size(): number {
    return this.sizeBytes;
  }

  /** Offset after the last record in this segment (the base offset when empty). */
  get nextOffset(): number {
    return this.next;
  }

  /** Largest batch maxTimestamp in this segment, or {@link NO_TIMESTAMP}. */
  get maxTimestamp(): number {
    return this.maxTs;
  }

  /** File descriptor of the `.log` file. */
  get fd(): number {
    if (this.logFd === undefined) throw new Error(`segment ${this.baseOffset} in ${this.dir} is closed`);
    return this.logFd;
  }

  /** Size of the `.log` file on disk, which may include a torn tail before recovery. */
  fileSize(): number {
    return fs.fstatSync(this.fd).size;
  }

  /** Last modification time of the `.log` file, for retention of segments without timestamps. */
  lastModifiedMs(): number {
    return fs.fstatSync(this.fd).mtimeMs;
  }

  /** Used by recovery: restarts accounting at an index checkpoint before re-tracking the rest. */
  resetTo(position: number, nextOffset: number, maxTimestamp: number): void {
    this.sizeBytes = position;
    this.next = nextOffset;
    this.maxTs = maxTimestamp;
    this.bytesSinceIndexEntry = 0;
  }

  /**
   * Accounts for the batch whose bytes are at `buf[at]` and which sits at file `position`: updates
   * size, next offset and max timestamp and adds index entries every `indexIntervalBytes`.
   */
  track(position: number, buf: Buffer, at: number, indexIntervalBytes: number): void {
    const size = batchSizeAt(buf, at);
    if (this.bytesSinceIndexEntry >= indexIntervalBytes) {
      const relativeOffset = readInt64(buf, at) - this.baseOffset;
      this.offsetIndex.add(relativeOffset, position);
      this.timeIndex.add(this.maxTs, relativeOffset);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    const batchMaxTs = readInt64(buf, at + BatchField.maxTimestamp);
    if (batchMaxTs > this.maxTs) this.maxTs = batchMaxTs;
    this.next = lastOffsetAt(buf, at) + 1;
    this.sizeBytes = position + size;
  }

  /**
   * Appends offset-assigned batches. The data is in the OS page cache when this returns; a failed
   * write is cut off again so the file never keeps a partial batch that later appends would follow.
   */
  append(batches: Buffer, indexIntervalBytes: number): void {
    const start = this.sizeBytes;
    try {
      writeFully(this.fd, batches, start);
    } catch (err) {
      fs.ftruncateSync(this.fd, start);
      throw err;
    }
    this.dirty = true;
    for (let at = 0; at < batches.length; at += batchSizeAt(batches, at)) {
      this.track(start + at, batches, at, indexIntervalBytes);
    }
    this.commitIndexes();
  }

  /** Cuts the `.log` file at `size` (recovery of a torn or corrupt tail). */
  truncateLog(size: number): void {
    fs.ftruncateSync(this.fd, size);
    this.sizeBytes = size;
    this.dirty = true;
  }

  /** Writes pending index entries to the OS. */
  commitIndexes(): void {
    this.offsetIndex.commit();
    this.timeIndex.commit();
  }

  /** File position from which a scan finds the batch containing `offset` (sparse index lookup). */
  scanStartFor(offset: number): number {
    const i = this.offsetIndex.floor(offset - this.baseOffset);
    return i < 0 ? 0 : this.offsetIndex.positionAt(i);
  }

  /** Reads up to `length` bytes of the file at `position` into a new buffer (shorter at end of file). */
  readAt(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(Math.max(0, length));
    const n = readFully(this.fd, buf, 0, buf.length, position);
    return n === buf.length ? buf : buf.subarray(0, n);
  }

  /** Fsyncs the log and index files if anything was written since the last flush. */
  flush(): void {
    if (this.dirty && this.logFd !== undefined) fs.fsyncSync(this.logFd);
    this.dirty = false;
    this.offsetIndex.flush();
    this.timeIndex.flush();
  }

  /** Makes the segment read-only: commits and fsyncs everything and closes the index files. */
  seal(): void {
    this.commitIndexes();
    this.flush();
    this.offsetIndex.close();
    this.timeIndex.close();
  }

  /** Closes all files (without fsync; call {@link flush} first for durability). */
  close(): void {
    this.offsetIndex.close();
    this.timeIndex.close();
    if (this.logFd !== undefined) fs.closeSync(this.logFd);
    this.logFd = undefined;
  }

  /** Closes and deletes the files; the `.log` goes first so an interrupted delete leaves only stray indexes. */
  delete(): void {
    this.close();
    unlinkIfExists(segmentPath(this.dir, this.baseOffset, SegmentFile.log));
    this.offsetIndex.delete();
    this.timeIndex.delete();
  }
}
