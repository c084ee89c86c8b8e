import {
  BatchField,
  RECORD_BATCH_HEADER_SIZE,
  batchSizeAt,
  findRecordByTimestamp,
  lastOffsetAt,
  readInt64,
} from '../protocol/record-batch';
import { BatchScanner } from './batch-scanner';
import { LogSegment } from './log-segment';

/** Whole batches read from a segment, and where the data after them starts. */
export interface SegmentSlice {
  data: Buffer;
  /** Offset after the last record in `data`. */
  nextOffset: number;
  /** File position right after `data`. */
  endPosition: number;
}

/**
 * Reads whole batches from `segment`, starting with the batch that contains `fetchOffset`, up to
 * `maxBytes` in total but always including that first batch (KIP-74). Scanning starts at `position`,
 * which must be a batch boundary at or before the target; when it is the target itself (sequential
 * reads) and the batches fit in `maxBytes`, this is a single `readSync`. `slackBytes` widens the
 * first read to cover the expected distance from `position` to the target.
 *
 * @returns null when the segment holds no batch at or after `fetchOffset`.
 */
export function readBatches(
  segment: LogSegment,
  position: number,
  fetchOffset: number,
  maxBytes: number,
  slackBytes: number,
): SegmentSlice | null {
  let pos = position;
  let want = Math.max(maxBytes, RECORD_BATCH_HEADER_SIZE) + slackBytes;
  while (pos < segment.size) {
    const length = Math.min(want, segment.size - pos);
    const buf = segment.readAt(pos, length);
    const exhausted = buf.length < length || length === segment.size - pos;
    const at = skipBatchesBefore(buf, fetchOffset);
    if (at + RECORD_BATCH_HEADER_SIZE > buf.length) {
      if (exhausted) return null;
      pos += at;
      continue;
    }
    const firstSize = batchSizeAt(buf, at);
    if (at + firstSize <= buf.length) return takeBatches(buf, at, maxBytes, pos);
    if (exhausted) return null;
    pos += at;
    want = Math.max(maxBytes, firstSize);
  }
  return null;
}

/** Index of the first batch in `buf` whose last offset is ≥ `fetchOffset`, or where the headers run out. */
function skipBatchesBefore(buf: Buffer, fetchOffset: number): number {
  let at = 0;
  while (at + RECORD_BATCH_HEADER_SIZE <= buf.length && lastOffsetAt(buf, at) < fetchOffset) {
    at += batchSizeAt(buf, at);
  }
  return at;
}

/** Slices the complete batch at `start` plus following complete batches while they fit in `maxBytes`. */
function takeBatches(buf: Buffer, start: number, maxBytes: number, filePosition: number): SegmentSlice {
  let lastAt = start;
  let end = start + batchSizeAt(buf, start);
  while (end + RECORD_BATCH_HEADER_SIZE <= buf.length) {
    const next = end + batchSizeAt(buf, end);
    if (next > buf.length || next - start > maxBytes) break;
    lastAt = end;
    end = next;
  }
  return {
    data: buf.subarray(start, end),
    nextOffset: lastOffsetAt(buf, lastAt) + 1,
    endPosition: filePosition + end,
  };
}

/**
 * Finds the first batch in `segment` whose maxTimestamp is ≥ `timestamp` and, when its records can
 * be decoded without decompression, the first record in it at or after `timestamp`.
 *
 * @returns that offset and timestamp (the batch's baseOffset and maxTimestamp for compressed
 *   batches), or null when no batch in the segment qualifies.
 */
export function findOffsetForTimestamp(
  segment: LogSegment,
  timestamp: number,
): { offset: number; timestamp: number } | null {
  if (segment.maxTimestamp < timestamp) return null;
  const entry = segment.timeIndex.lastBelow(timestamp);
  const start =
    entry < 0 ? 0 : segment.scanStartFor(segment.baseOffset + segment.timeIndex.relativeOffsetAt(entry));
  const scanner = new BatchScanner(segment.fd, start, segment.size);
  while (scanner.next()) {
    const batchMaxTs = readInt64(scanner.buffer, scanner.at + BatchField.maxTimestamp);
    if (batchMaxTs < timestamp) continue;
    const baseOffset = readInt64(scanner.buffer, scanner.at);
    if (!scanner.loadWhole()) return { offset: baseOffset, timestamp: batchMaxTs };
    const found = findRecordByTimestamp(scanner.buffer, scanner.at, timestamp);
    if (found === undefined) return { offset: baseOffset, timestamp: batchMaxTs };
    if (found !== null) return found;
  }
  return null;
}
