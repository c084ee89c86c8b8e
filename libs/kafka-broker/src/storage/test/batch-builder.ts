import { encodeRecordBatch } from '../../protocol/record-batch-builder';
import { RECORD_BATCH_HEADER_SIZE, batchSizeAt, readBatchHeader } from '../../protocol/record-batch';

/** A record to encode into a test batch. */
export interface TestRecord {
  key?: string | null;
  value: string | null;
  /** Absolute timestamp; defaults to the batch's base timestamp. */
  timestamp?: number;
}

/** A record decoded back from a batch, with its absolute offset. */
export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
}

/** Encodes an uncompressed v2 record batch (baseOffset 0, no producer id) with a correct CRC. */
export function encodeBatch(records: TestRecord[], baseTimestamp = 1_700_000_000_000): Buffer {
  const bytes = (text: string | null | undefined) =>
    text === null || text === undefined ? null : Buffer.from(text);
  return encodeRecordBatch(
    records.map((r) => ({
      key: bytes(r.key),
      value: bytes(r.value),
      timestamp: r.timestamp ?? baseTimestamp,
    })),
  );
}

/** Encodes a batch of `count` records whose values are `${prefix}-${i}`. */
export function encodeValues(prefix: string, count: number, baseTimestamp?: number): Buffer {
  return encodeBatch(
    Array.from({ length: count }, (_, i) => ({ value: `${prefix}-${i}` })),
    baseTimestamp,
  );
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let raw = 0;
  let scale = 1;
  let i = pos;
  for (;;) {
    const byte = buf[i++];
    raw += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) break;
  }
  return [raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, i];
}

function readText(buf: Buffer, pos: number): [string | null, number] {
  const [len, next] = readVarint(buf, pos);
  if (len < 0) return [null, next];
  return [buf.toString('utf8', next, next + len), next + len];
}

/** Decodes every record of every (uncompressed) batch in `buf`. */
export function decodeRecords(buf: Buffer): DecodedRecord[] {
  const out: DecodedRecord[] = [];
  for (let pos = 0; pos < buf.length; pos += batchSizeAt(buf, pos)) {
    const header = readBatchHeader(buf, pos);
    let cursor = pos + RECORD_BATCH_HEADER_SIZE;
    for (let i = 0; i < header.recordCount; i++) {
      const [length, bodyStart] = readVarint(buf, cursor);
      const [tsDelta, afterTs] = readVarint(buf, bodyStart + 1);
      const [offsetDelta, afterOffset] = readVarint(buf, afterTs);
      const [key, afterKey] = readText(buf, afterOffset);
      const [value] = readText(buf, afterKey);
      out.push({
        offset: header.baseOffset + offsetDelta,
        timestamp: header.baseTimestamp + tsDelta,
        key,
        value,
      });
      cursor = bodyStart + length;
    }
  }
  return out;
}

/** Values of every record in `buf`, in order. */
export function decodeValues(buf: Buffer): (string | null)[] {
  return decodeRecords(buf).map((r) => r.value);
}
