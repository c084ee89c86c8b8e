import { crc32c } from './crc32c';
import { ErrorCode } from './error-codes';

/** Size of the fixed v2 record batch header; records start at this offset. */
export const RECORD_BATCH_HEADER_SIZE = 61;
/** Bytes before the part of a batch counted by `batchLength` (baseOffset int64 + batchLength int32). */
export const LOG_OVERHEAD = 12;
/** Smallest legal `batchLength`: the header after the batchLength field, with zero records. */
export const MIN_BATCH_LENGTH = RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD;
/** The only record batch format ("magic") this broker accepts. */
export const RECORD_BATCH_MAGIC = 2;

/** Byte offsets of the v2 header fields, relative to the start of a batch. */
export const BatchField = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

/** Bits of the batch `attributes` field. */
export const BatchAttributes = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
} as const;

/** Decoded v2 record batch header. 64-bit fields are JS numbers (exact up to 2^53). */
export interface RecordBatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Result of validating one or more batches: counts on success, a Kafka error code otherwise. */
export type BatchValidation =
  { ok: true; batchCount: number; recordCount: number } | { ok: false; errorCode: number; reason: string };

/** Result of checking the batch at one position: its total size in bytes, or why it is unusable. */
export type BatchCheck = { ok: true; size: number } | { ok: false; errorCode: number; reason: string };

/** Reads a big-endian int64 as a JS number (exact for |value| < 2^53, which covers offsets and times). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}

/** Writes a JS integer as a big-endian int64. */
export function writeInt64(buf: Buffer, value: number, pos: number): void {
  const high = Math.floor(value / 4294967296);
  buf.writeInt32BE(high, pos);
  buf.writeUInt32BE(value - high * 4294967296, pos + 4);
}

/** Decodes the fixed header of the batch starting at `pos` (the caller ensures 61 bytes are present). */
export function readBatchHeader(buf: Buffer, pos: number): RecordBatchHeader {
  return {
    baseOffset: readInt64(buf, pos),
    batchLength: buf.readInt32BE(pos + BatchField.batchLength),
    partitionLeaderEpoch: buf.readInt32BE(pos + BatchField.partitionLeaderEpoch),
    magic: buf.readInt8(pos + BatchField.magic),
    crc: buf.readUInt32BE(pos + BatchField.crc),
    attributes: buf.readInt16BE(pos + BatchField.attributes),
    lastOffsetDelta: buf.readInt32BE(pos + BatchField.lastOffsetDelta),
    baseTimestamp: readInt64(buf, pos + BatchField.baseTimestamp),
    maxTimestamp: readInt64(buf, pos + BatchField.maxTimestamp),
    producerId: readInt64(buf, pos + BatchField.producerId),
    producerEpoch: buf.readInt16BE(pos + BatchField.producerEpoch),
    baseSequence: buf.readInt32BE(pos + BatchField.baseSequence),
    recordCount: buf.readInt32BE(pos + BatchField.recordCount),
  };
}

/** Total size in bytes (header included) of the batch at `pos`, from its batchLength field. */
export function batchSizeAt(buf: Buffer, pos: number): number {
  return LOG_OVERHEAD + buf.readInt32BE(pos + BatchField.batchLength);
}

/** Offset of the last record of the batch at `pos`. */
export function lastOffsetAt(buf: Buffer, pos: number): number {
  return readInt64(buf, pos) + buf.readInt32BE(pos + BatchField.lastOffsetDelta);
}

function corrupt(reason: string): { ok: false; errorCode: number; reason: string } {
  return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, reason };
}

/**
 * Checks framing, size limit, magic, header sanity and CRC of the batch at `pos`, which must end by
 * `end`. Used both for produce validation and for log recovery.
 */
export function checkBatchAt(
  buf: Buffer,
  pos: number,
  end: number = buf.length,
  maxBatchBytes: number = Infinity,
): BatchCheck {
  const available = end - pos;
  if (available < RECORD_BATCH_HEADER_SIZE) {
    return corrupt(`truncated batch header at byte ${pos}: ${available} bytes left`);
  }
  const batchLength = buf.readInt32BE(pos + BatchField.batchLength);
  if (batchLength < MIN_BATCH_LENGTH) {
    return corrupt(`batchLength ${batchLength} at byte ${pos} is too small`);
  }
  const size = LOG_OVERHEAD + batchLength;
  if (size > available) {
    return corrupt(`batch at byte ${pos} claims ${size} bytes but ${available} are left`);
  }
  if (size > maxBatchBytes) {
    const reason = `batch of ${size} bytes exceeds the limit of ${maxBatchBytes} bytes`;
    return { ok: false, errorCode: ErrorCode.MESSAGE_TOO_LARGE, reason };
  }
  const magic = buf.readInt8(pos + BatchField.magic);
  if (magic !== RECORD_BATCH_MAGIC) return corrupt(`unsupported magic ${magic} at byte ${pos}`);
  if (buf.readInt32BE(pos + BatchField.lastOffsetDelta) < 0) {
    return corrupt(`negative lastOffsetDelta in batch at byte ${pos}`);
  }
  if (buf.readInt32BE(pos + BatchField.recordCount) < 0) {
    return corrupt(`negative recordCount in batch at byte ${pos}`);
  }
  const expected = buf.readUInt32BE(pos + BatchField.crc);
  if (crc32c(buf, pos + BatchField.attributes, pos + size) !== expected) {
    return corrupt(`CRC mismatch in batch at byte ${pos}`);
  }
  return { ok: true, size };
}

/**
 * Validates that `buf` holds one or more complete v2 batches and nothing else.
 *
 * @returns CORRUPT_MESSAGE for bad framing, magic, header fields or CRC; MESSAGE_TOO_LARGE when one
 *   complete batch (header included) is larger than `maxBatchBytes`.
 */
export function validateRecordBatches(buf: Buffer, maxBatchBytes: number): BatchValidation {
  if (buf.length === 0) return corrupt('no record batches');
  let pos = 0;
  let batchCount = 0;
  let recordCount = 0;
  while (pos < buf.length) {
    const check = checkBatchAt(buf, pos, buf.length, maxBatchBytes);
    if (!check.ok) return check;
    batchCount++;
    recordCount += buf.readInt32BE(pos + BatchField.recordCount);
    pos += check.size;
  }
  return { ok: true, batchCount, recordCount };
}

/**
 * Gives the batches in `buf` consecutive offsets starting at `firstOffset`, in place: sets each
 * baseOffset and a partitionLeaderEpoch of 0. Both fields lie outside the CRC, so batches stay valid.
 *
 * @returns the offset after the last record (last batch's baseOffset + lastOffsetDelta + 1).
 */
export function assignOffsets(buf: Buffer, firstOffset: number): number {
  let next = firstOffset;
  let pos = 0;
  while (pos < buf.length) {
    writeInt64(buf, next, pos + BatchField.baseOffset);
    buf.writeInt32BE(0, pos + BatchField.partitionLeaderEpoch);
    next += buf.readInt32BE(pos + BatchField.lastOffsetDelta) + 1;
    pos += batchSizeAt(buf, pos);
  }
  return next;
}

/** Result slot of {@link readVarint} (value and the position after it), shared to avoid allocations. */
const varint = { value: 0, next: 0 };

/** Decodes a zig-zag varint (up to 64 bits, as a JS number) at `pos` into the shared `varint` slot. */
function readVarint(buf: Buffer, pos: number, end: number): boolean {
  let raw = 0;
  let scale = 1;
  for (let i = pos; i < end && i < pos + 10; i++) {
    const byte = buf[i];
    raw += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) {
      varint.value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      varint.next = i + 1;
      return true;
    }
  }
  return false;
}

/**
 * Finds the first record with timestamp ≥ `timestamp` in the batch at `pos` by decoding its records.
 *
 * @returns the record's absolute offset and timestamp; `undefined` when the records cannot be read
 *   without decompression (or are malformed), so the caller should fall back to batch granularity;
 *   `null` when no record qualifies.
 */
export function findRecordByTimestamp(
  buf: Buffer,
  pos: number,
  timestamp: number,
): { offset: number; timestamp: number } | null | undefined {
  const header = readBatchHeader(buf, pos);
  if ((header.attributes & BatchAttributes.logAppendTime) !== 0) {
    return header.maxTimestamp >= timestamp
      ? { offset: header.baseOffset, timestamp: header.maxTimestamp }
      : null;
  }
  if ((header.attributes & BatchAttributes.compressionMask) !== 0) return undefined;
  const end = pos + LOG_OVERHEAD + header.batchLength;
  let cursor = pos + RECORD_BATCH_HEADER_SIZE;
  for (let i = 0; i < header.recordCount; i++) {
    if (!readVarint(buf, cursor, end)) return undefined;
    const recordEnd = varint.next + varint.value;
    // Skip the record's attributes byte.
    if (!readVarint(buf, varint.next + 1, recordEnd)) return undefined;
    const recordTimestamp = header.baseTimestamp + varint.value;
    if (!readVarint(buf, varint.next, recordEnd)) return undefined;
    if (recordTimestamp >= timestamp) {
      return { offset: header.baseOffset + varint.value, timestamp: recordTimestamp };
    }
    cursor = recordEnd;
  }
  return null;
}
