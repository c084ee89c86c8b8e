import * as fs from 'fs';

import { readInt64, writeInt64 } from '../protocol/record-batch';
import { readFully, unlinkIfExists, writeFully } from './fs-util';

/**
 * An append-only file of fixed-size entries, mirrored in memory. Entries are added in memory and
 * written with one `writeSync` per {@link commit}, so an append costs at most one syscall per index.
 * After {@link close} the entries stay readable (sealed segments keep no index file open).
 */
export class IndexFile {
  protected buf: Buffer;
  private count: number;
  private written: number;
  private fd: number | undefined;
  private dirty = false;

  /** Opens (creating if missing) `file` and loads its entries; a trailing partial entry is cut off. */
  constructor(
    readonly file: string,
    private readonly entrySize: number,
  ) {
    const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT);
    this.fd = fd;
    this.buf = readAll(fd);
    this.count = Math.floor(this.buf.length / entrySize);
    this.written = this.count;
    if (this.buf.length !== this.count * entrySize) fs.ftruncateSync(fd, this.count * entrySize);
  }

  /** Number of entries. */
  get length(): number {
    return this.count;
  }

  /** Reserves room for one more entry and returns its byte position in `buf`. */
  protected reserve(): number {
    const at = this.count * this.entrySize;
    if (at + this.entrySize > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.entrySize * 64, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, at);
      this.buf = grown;
    }
    this.count++;
    return at;
  }

  /** Drops every entry from `count` on, in memory and on disk. */
  truncate(count: number): void {
    if (count >= this.count) return;
    this.count = count;
    if (this.written > count) {
      const bytes = count * this.entrySize;
      if (this.fd !== undefined) fs.ftruncateSync(this.fd, bytes);
      else fs.truncateSync(this.file, bytes);
      this.written = count;
      this.dirty = true;
    }
  }

  /** Writes entries added since the last commit to the OS (no fsync). */
  commit(): void {
    if (this.fd === undefined || this.written === this.count) return;
    const from = this.written * this.entrySize;
    writeFully(this.fd, this.buf, from, from, (this.count - this.written) * this.entrySize);
    this.written = this.count;
    this.dirty = true;
  }

  /** Fsyncs the file if anything was written since the last flush. */
  flush(): void {
    if (this.fd !== undefined && this.dirty) fs.fsyncSync(this.fd);
    this.dirty = false;
  }

  /** Commits and closes the file; the entries stay readable in memory but can no longer be added. */
  close(): void {
    if (this.fd === undefined) return;
    this.commit();
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** Closes and deletes the file. */
  delete(): void {
    this.close();
    unlinkIfExists(this.file);
  }
}

function readAll(fd: number): Buffer {
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.alloc(size);
  readFully(fd, buf, 0, size, 0);
  return buf;
}

/**
 * Sparse offset index (`.index`): 8-byte entries of (offset relative to the segment base as int32,
 * file position of the batch starting at that offset as int32), strictly increasing in both.
 */
export class OffsetIndex extends IndexFile {
  constructor(file: string) {
    super(file, 8);
  }

  /** Adds an entry for the batch starting at `relativeOffset` and file `position`. */
  add(relativeOffset: number, position: number): void {
    const at = this.reserve();
    this.buf.writeInt32BE(relativeOffset, at);
    this.buf.writeInt32BE(position, at + 4);
  }

  /** Relative offset of entry `i`. */
  relativeOffsetAt(i: number): number {
    return this.buf.readInt32BE(i * 8);
  }

  /** File position of entry `i`. */
  positionAt(i: number): number {
    return this.buf.readInt32BE(i * 8 + 4);
  }

  /** Index of the last entry whose relative offset is ≤ `relativeOffset`, or -1 if there is none. */
  floor(relativeOffset: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relativeOffsetAt(mid) <= relativeOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  /** Number of leading entries that are strictly increasing and point before `endPosition`. */
  validPrefix(endPosition: number): number {
    let prevOffset = -1;
    let prevPosition = -1;
    for (let i = 0; i < this.length; i++) {
      const offset = this.relativeOffsetAt(i);
      const position = this.positionAt(i);
      if (offset <= prevOffset || position <= prevPosition || position >= endPosition) return i;
      prevOffset = offset;
      prevPosition = position;
    }
    return this.length;
  }
}

/**
 * Sparse time index (`.timeindex`): 12-byte entries of (timestamp int64, relative offset int32).
 * An entry (T, R) is written together with the offset index entry for the batch at R and means
 * "every batch of this segment before offset R has maxTimestamp ≤ T"; T never decreases.
 */
export class TimeIndex extends IndexFile {
  constructor(file: string) {
    super(file, 12);
  }

  /** Adds an entry: all batches before `relativeOffset` have maxTimestamp ≤ `timestamp`. */
  add(timestamp: number, relativeOffset: number): void {
    const at = this.reserve();
    writeInt64(this.buf, timestamp, at);
    this.buf.writeInt32BE(relativeOffset, at + 8);
  }

  /** Timestamp of entry `i`. */
  timestampAt(i: number): number {
    return readInt64(this.buf, i * 12);
  }

  /** Relative offset of entry `i`. */
  relativeOffsetAt(i: number): number {
    return this.buf.readInt32BE(i * 12 + 8);
  }

  /** Index of the last entry whose timestamp is < `timestamp`, or -1 if there is none. */
  lastBelow(timestamp: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestampAt(mid) < timestamp) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  /** Number of leading entries with non-decreasing timestamps and strictly increasing offsets. */
  validPrefix(): number {
    let prevTimestamp = -Infinity;
    let prevOffset = -1;
    for (let i = 0; i < this.length; i++) {
      const timestamp = this.timestampAt(i);
      const offset = this.relativeOffsetAt(i);
      if (timestamp < prevTimestamp || offset <= prevOffset) return i;
      prevTimestamp = timestamp;
      prevOffset = offset;
    }
    return this.length;
  }
}
