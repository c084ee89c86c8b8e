import * as fs from 'fs';

import { assignOffsets } from '../protocol/record-batch';
import { fsyncDirectory, unlinkIfExists } from './fs-util';
import {
  LogConfig,
  MAX_RELATIVE_OFFSET,
  MAX_SEGMENT_BYTES,
  SegmentFile,
  parseSegmentFileName,
  segmentPath,
} from './log-config';
import { LogSegment } from './log-segment';
import { loadSegment } from './segment-load';
import { findOffsetForTimestamp, readBatches } from './segment-read';

/** Offsets given to the batches of one {@link PartitionLog.append}. */
export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

/** Result of a timestamp lookup: the first offset at or after the timestamp, and its timestamp. */
export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
}

interface CachedPosition {
  segment: LogSegment;
  position: number;
}

/** How many read end positions are remembered, enough for a few consumer groups per partition. */
const POSITION_CACHE_SIZE = 16;
const EMPTY = Buffer.alloc(0);

/**
 * The durable log of one topic-partition: an append-only list of segments in its own directory.
 * All I/O is synchronous; appended data is handed to the OS before {@link append} returns, and
 * {@link flush} fsyncs it. Sealed (non-active) segments are fsynced when a new segment is rolled.
 */
export class PartitionLog {
  private readonly positionCache = new Map<number, CachedPosition>();
  private closed = false;

  private constructor(
    readonly dir: string,
    private cfg: LogConfig,
    private readonly segments: LogSegment[],
  ) {}

  /**
   * Opens (creating if needed) the log in `dir`: loads every segment and recovers the active one,
   * cutting off a torn or corrupt tail so appends continue right after the last intact batch.
   */
  static open(dir: string, config: LogConfig): PartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    const cfg = normalizeConfig(config);
    const bases = listSegmentBases(dir);
    const segments: LogSegment[] = [];
    try {
      for (const [i, base] of bases.entries()) {
        segments.push(loadSegment(dir, base, cfg.indexIntervalBytes, i === bases.length - 1));
      }
      if (segments.length === 0) {
        segments.push(LogSegment.create(dir, 0));
        fsyncDirectory(dir);
      }
    } catch (err) {
      segments.forEach((s) => s.close());
      throw err;
    }
    return new PartitionLog(dir, cfg, segments);
  }

  /** The current configuration. */
  get config(): Readonly<LogConfig> {
    return this.cfg;
  }

  /** Replaces the configuration; takes effect for the next append and retention run. */
  updateConfig(config: LogConfig): void {
    this.cfg = normalizeConfig(config);
  }

  /** First offset still in the log (base offset of the oldest segment). */
  get logStartOffset(): number {
    return this.segments[0].baseOffset;
  }

  /** Next offset to be assigned; the high watermark on this single-replica broker. */
  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  /** Total bytes of log data (excluding indexes). */
  get sizeBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  /** Number of segments, the active one included. */
  get segmentCount(): number {
    return this.segments.length;
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Appends already-validated v2 batches. MUTATES `batches`: each batch's baseOffset and
   * partitionLeaderEpoch (0) are overwritten. Rolls a new segment first when the active one is not
   * empty and would grow beyond `segmentBytes`. The data is in the OS when this returns.
   *
   * @throws RangeError for an empty buffer; I/O errors from the file system.
   */
  append(batches: Buffer): AppendResult {
    this.ensureOpen();
    if (batches.length === 0) throw new RangeError('append needs at least one record batch');
    const baseOffset = this.logEndOffset;
    const lastOffset = assignOffsets(batches, baseOffset) - 1;
    if (this.shouldRoll(batches.length, lastOffset)) this.roll();
    this.active.append(batches, this.cfg.indexIntervalBytes);
    return { baseOffset, lastOffset };
  }

  private shouldRoll(bytes: number, lastOffset: number): boolean {
    const active = this.active;
    if (active.size === 0) return false;
    return (
      active.size + bytes > this.cfg.segmentBytes || lastOffset - active.baseOffset > MAX_RELATIVE_OFFSET
    );
  }

  private roll(): void {
    const sealed = this.active;
    sealed.seal();
    this.segments.push(LogSegment.create(this.dir, sealed.nextOffset));
    fsyncDirectory(this.dir);
  }

  /**
   * Reads whole batches starting with the one containing `fetchOffset`, up to `maxBytes` in total but
   * at least one batch (KIP-74), all from one segment; the client fetches again for more. Returns an
   * empty buffer at the log end. The returned batches may start before `fetchOffset` (Kafka clients
   * skip those records).
   *
   * @throws RangeError when `fetchOffset` is outside [logStartOffset, logEndOffset].
   */
  read(fetchOffset: number, maxBytes: number): Buffer {
    this.ensureOpen();
    if (fetchOffset === this.logEndOffset) return EMPTY;
    if (fetchOffset < this.logStartOffset || fetchOffset > this.logEndOffset) {
      throw new RangeError(`offset ${fetchOffset} is outside [${this.logStartOffset}, ${this.logEndOffset}]`);
    }
    const hit = this.positionCache.get(fetchOffset);
    if (hit !== undefined && hit.position < hit.segment.size) {
      const slice = readBatches(hit.segment, hit.position, fetchOffset, maxBytes, 0);
      if (slice !== null) return this.remember(hit.segment, slice);
    }
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const segment = this.segments[i];
      const start = segment.scanStartFor(fetchOffset);
      const slice = readBatches(segment, start, fetchOffset, maxBytes, this.cfg.indexIntervalBytes);
      if (slice !== null) return this.remember(segment, slice);
    }
    return EMPTY;
  }

  private remember(
    segment: LogSegment,
    slice: { data: Buffer; nextOffset: number; endPosition: number },
  ): Buffer {
    if (this.positionCache.size >= POSITION_CACHE_SIZE && !this.positionCache.has(slice.nextOffset)) {
      const oldest = this.positionCache.keys().next();
      if (!oldest.done) this.positionCache.delete(oldest.value);
    }
    this.positionCache.set(slice.nextOffset, { segment, position: slice.endPosition });
    return slice.data;
  }

  /** Index of the last segment whose base offset is ≤ `offset` (0 if none). */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * ListOffsets by timestamp: the first batch whose maxTimestamp is ≥ `timestamp`, narrowed to its
   * first record at or after `timestamp` when the batch is uncompressed. Special timestamps (-1
   * latest, -2 earliest) are the caller's business.
   *
   * @returns null when no record is that recent.
   */
  offsetForTimestamp(timestamp: number): OffsetAndTimestamp | null {
    this.ensureOpen();
    for (const segment of this.segments) {
      const found = findOffsetForTimestamp(segment, timestamp);
      if (found !== null) return found;
    }
    return null;
  }

  /**
   * Retention: deletes non-active segments from the oldest while the log is larger than
   * `retentionBytes` or the segment's newest timestamp (file mtime if it has none) is older than
   * `nowMs - retentionMs`. The log start offset moves to the first remaining segment.
   *
   * @returns the number of segments deleted.
   */
  deleteExpiredSegments(nowMs: number): number {
    this.ensureOpen();
    let total = this.sizeBytes;
    let deleted = 0;
    while (this.segments.length > 1 && this.isExpired(this.segments[0], total, nowMs)) {
      const segment = this.segments.shift() as LogSegment;
      total -= segment.size;
      deleted++;
      segment.delete();
    }
    if (deleted > 0) {
      this.positionCache.clear();
      fsyncDirectory(this.dir);
    }
    return deleted;
  }

  private isExpired(segment: LogSegment, totalBytes: number, nowMs: number): boolean {
    const { retentionBytes, retentionMs } = this.cfg;
    if (retentionBytes >= 0 && totalBytes > retentionBytes) return true;
    if (retentionMs < 0) return false;
    const newest = segment.maxTimestamp >= 0 ? segment.maxTimestamp : segment.lastModifiedMs();
    return newest < nowMs - retentionMs;
  }

  /** Fsyncs the active segment's log and index files if anything was written since the last flush. */
  flush(): void {
    this.ensureOpen();
    this.active.flush();
  }

  /** Flushes and closes all files. The log cannot be used afterwards. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.active.commitIndexes();
    this.active.flush();
    this.closeFiles();
  }

  /** Closes the log and deletes its whole directory. */
  destroy(): void {
    if (!this.closed) this.closeFiles();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private closeFiles(): void {
    this.closed = true;
    this.positionCache.clear();
    this.segments.forEach((s) => s.close());
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error(`partition log ${this.dir} is closed`);
  }
}

function normalizeConfig(config: LogConfig): LogConfig {
  return {
    ...config,
    segmentBytes: Math.min(Math.max(1, config.segmentBytes), MAX_SEGMENT_BYTES),
    indexIntervalBytes: Math.max(1, config.indexIntervalBytes),
  };
}

/** Base offsets of the segments in `dir`, ascending; index files without a `.log` are removed. */
function listSegmentBases(dir: string): number[] {
  const names = fs.readdirSync(dir);
  const bases = names
    .map((name) => parseSegmentFileName(name, SegmentFile.log))
    .filter((base): base is number => base !== undefined)
    .sort((a, b) => a - b);
  const known = new Set(bases);
  for (const name of names) {
    for (const ext of [SegmentFile.offsetIndex, SegmentFile.timeIndex]) {
      const base = parseSegmentFileName(name, ext);
      if (base !== undefined && !known.has(base)) unlinkIfExists(segmentPath(dir, base, ext));
    }
  }
  return bases;
}
