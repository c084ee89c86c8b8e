import { RECORD_BATCH_HEADER_SIZE, checkBatchAt, lastOffsetAt, readInt64 } from '../protocol/record-batch';
import { BatchScanner } from './batch-scanner';
import { MAX_RELATIVE_OFFSET } from './log-config';
import { LogSegment, NO_TIMESTAMP } from './log-segment';

/**
 * Opens an existing segment and rebuilds its in-memory state (size, next offset, max timestamp)
 * from the last trustworthy index checkpoint onward, re-creating index entries after it.
 *
 * The active segment is RECOVERED: each batch after the checkpoint must have a sane length, a
 * matching CRC and the expected base offset; the file is truncated at the first batch that fails
 * (a torn tail after kill -9 or power loss). Sealed segments were fsynced when they were rolled,
 * so only their headers are walked and nothing is truncated.
 */
export function loadSegment(
  dir: string,
  baseOffset: number,
  indexIntervalBytes: number,
  active: boolean,
): LogSegment {
  const segment = LogSegment.open(dir, baseOffset);
  try {
    const fileSize = segment.fileSize();
    const checkpoints = trustedCheckpoints(segment, fileSize);
    segment.offsetIndex.truncate(checkpoints);
    segment.timeIndex.truncate(checkpoints);
    restartAtCheckpoint(segment, checkpoints);
    const end = rescan(segment, fileSize, indexIntervalBytes, active);
    if (active && end < fileSize) segment.truncateLog(end);
    dropEntriesFrom(segment, end);
    segment.commitIndexes();
    if (!active) segment.seal();
    return segment;
  } catch (err) {
    segment.close();
    throw err;
  }
}

/**
 * Number of leading index entries that can be trusted: well-formed in both indexes, pairwise for
 * the same batch (they are always written together), and the last one really pointing at a batch
 * header with the expected base offset.
 */
function trustedCheckpoints(segment: LogSegment, fileSize: number): number {
  const { offsetIndex, timeIndex } = segment;
  let count = Math.min(offsetIndex.validPrefix(fileSize), timeIndex.validPrefix());
  for (let i = 0; i < count; i++) {
    if (offsetIndex.relativeOffsetAt(i) !== timeIndex.relativeOffsetAt(i)) {
      count = i;
      break;
    }
  }
  while (count > 0 && !pointsAtBatch(segment, count - 1, fileSize)) count--;
  return count;
}

function pointsAtBatch(segment: LogSegment, entry: number, fileSize: number): boolean {
  const position = segment.offsetIndex.positionAt(entry);
  if (position + RECORD_BATCH_HEADER_SIZE > fileSize) return false;
  const header = segment.readAt(position, RECORD_BATCH_HEADER_SIZE);
  return (
    header.length === RECORD_BATCH_HEADER_SIZE &&
    readInt64(header, 0) === segment.baseOffset + segment.offsetIndex.relativeOffsetAt(entry)
  );
}

function restartAtCheckpoint(segment: LogSegment, checkpoints: number): void {
  if (checkpoints === 0) {
    segment.resetTo(0, segment.baseOffset, NO_TIMESTAMP);
    return;
  }
  const last = checkpoints - 1;
  const { offsetIndex, timeIndex } = segment;
  segment.resetTo(
    offsetIndex.positionAt(last),
    segment.baseOffset + offsetIndex.relativeOffsetAt(last),
    timeIndex.timestampAt(last),
  );
}

/**
 * Walks the batches from the segment's current size to `fileSize`, tracking each one.
 *
 * @returns the position after the last good batch.
 */
function rescan(segment: LogSegment, fileSize: number, indexIntervalBytes: number, verify: boolean): number {
  const scanner = new BatchScanner(segment.fd, segment.size, fileSize);
  while (scanner.next()) {
    if (verify && !batchIsIntact(segment, scanner)) break;
    segment.track(scanner.position, scanner.buffer, scanner.at, indexIntervalBytes);
  }
  return scanner.position;
}

function batchIsIntact(segment: LogSegment, scanner: BatchScanner): boolean {
  if (!scanner.loadWhole()) return false;
  const { buffer, at, size } = scanner;
  if (!checkBatchAt(buffer, at, at + size).ok) return false;
  if (readInt64(buffer, at) !== segment.nextOffset) return false;
  return lastOffsetAt(buffer, at) - segment.baseOffset <= MAX_RELATIVE_OFFSET;
}

function dropEntriesFrom(segment: LogSegment, end: number): void {
  const keep = segment.offsetIndex.validPrefix(end);
  segment.offsetIndex.truncate(keep);
  segment.timeIndex.truncate(keep);
}
