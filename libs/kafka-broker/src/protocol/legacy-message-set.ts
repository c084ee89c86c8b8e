import { crc32, gunzipSync } from 'node:zlib';
import { ErrorCode } from './error-codes';
import { PlainRecord, encodeRecordBatch } from './record-batch-builder';

/**
 * Produce v0–v2 carry "message sets" (magic 0 and 1) instead of v2 record batches. The broker
 * converts them into one uncompressed v2 batch, so the log holds a single format and every fetch
 * version it serves (v4+) can return them. Inner messages of a gzip wrapper are unpacked; snappy
 * and lz4 wrappers are refused with UNSUPPORTED_COMPRESSION_TYPE (Node has no codec for them).
 */
export type LegacyConversion = { ok: true; batch: Buffer } | { ok: false; errorCode: number; reason: string };

const OFFSET_AND_SIZE = 12;
/** crc, magic, attributes, key length, value length. */
const MIN_MESSAGE_BYTES = 14;
const CODEC_MASK = 0x07;
const Codec = { None: 0, Gzip: 1 } as const;

class LegacyFormatError extends Error {
  constructor(
    readonly errorCode: number,
    reason: string,
  ) {
    super(reason);
  }
}

function readBytes(message: Buffer, pos: number): { bytes: Buffer | null; next: number } {
  if (pos + 4 > message.length) throw new LegacyFormatError(ErrorCode.CORRUPT_MESSAGE, 'truncated message');
  const length = message.readInt32BE(pos);
  if (length < 0) return { bytes: null, next: pos + 4 };
  if (pos + 4 + length > message.length)
    throw new LegacyFormatError(ErrorCode.CORRUPT_MESSAGE, 'truncated message');
  return { bytes: message.subarray(pos + 4, pos + 4 + length), next: pos + 4 + length };
}

function decodeMessage(message: Buffer, nowMs: number, nested: boolean, out: PlainRecord[]): void {
  if (message.readUInt32BE(0) !== crc32(message.subarray(4))) {
    throw new LegacyFormatError(ErrorCode.CORRUPT_MESSAGE, 'message CRC-32 mismatch');
  }
  const magic = message.readInt8(4);
  if (magic !== 0 && magic !== 1)
    throw new LegacyFormatError(ErrorCode.CORRUPT_MESSAGE, `message magic ${magic}`);
  const codec = message.readInt8(5) & CODEC_MASK;
  let pos = 6;
  let timestamp = nowMs;
  if (magic === 1) {
    const stamped = Number(message.readBigInt64BE(pos));
    if (stamped >= 0) timestamp = stamped;
    pos += 8;
  }
  const key = readBytes(message, pos);
  const value = readBytes(message, key.next);
  if (value.next !== message.length)
    throw new LegacyFormatError(ErrorCode.CORRUPT_MESSAGE, 'bytes after message');
  if (codec === Codec.None) {
    out.push({ key: key.bytes, value: value.bytes, timestamp });
    return;
  }
  if (codec !== Codec.Gzip) {
    throw new LegacyFormatError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `legacy compression codec ${codec}`);
  }
  if (nested || value.bytes === null) {
    throw new LegacyFormatError(ErrorCode.CORRUPT_MESSAGE, 'compressed message inside a compressed message');
  }
  decodeMessageSet(gunzipSync(value.bytes), nowMs, true, out);
}

function decodeMessageSet(set: Buffer, nowMs: number, nested: boolean, out: PlainRecord[]): void {
  let pos = 0;
  while (pos < set.length) {
    if (pos + OFFSET_AND_SIZE > set.length)
      throw new LegacyFormatError(ErrorCode.CORRUPT_MESSAGE, 'truncated message set');
    const size = set.readInt32BE(pos + 8);
    const start = pos + OFFSET_AND_SIZE;
    if (size < MIN_MESSAGE_BYTES || start + size > set.length) {
      throw new LegacyFormatError(
        ErrorCode.CORRUPT_MESSAGE,
        `message size ${size} does not fit the message set`,
      );
    }
    decodeMessage(set.subarray(start, start + size), nowMs, nested, out);
    pos = start + size;
  }
}

/** Converts a legacy message set into one v2 record batch; `nowMs` stamps magic-0 messages. */
export function convertLegacyMessageSet(set: Buffer, nowMs: number): LegacyConversion {
  const records: PlainRecord[] = [];
  try {
    decodeMessageSet(set, nowMs, false, records);
  } catch (error) {
    if (error instanceof LegacyFormatError)
      return { ok: false, errorCode: error.errorCode, reason: error.message };
    return {
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
      reason: `unreadable compressed message set: ${(error as Error).message}`,
    };
  }
  if (records.length === 0)
    return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, reason: 'empty message set' };
  return { ok: true, batch: encodeRecordBatch(records) };
}
