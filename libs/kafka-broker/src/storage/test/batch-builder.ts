import { crc32c } from '../../protocol/crc32c';
import {
  BatchField,
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
  batchSizeAt,
  readBatchHeader,
  writeInt64,
} from '../../protocol/record-batch';

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

function pushVarint(out: number[], value: number): void {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  while (raw >= 128) {
    out.push((raw % 128) | 0x80);
    raw = Math.floor(raw / 128);
  }
  out.push(raw);
}

function pushBytes(out: number[], text: string | null | undefined): void {
  if (text === null || text === undefined) {
    pushVarint(out, -1);
    return;
  }
  const bytes = Buffer.from(text);
  pushVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

function encodeRecord(record: TestRecord, offsetDelta: number, baseTimestamp: number): number[] {
  const body: number[] = [0];
  pushVarint(body, (record.timestamp ?? baseTimestamp) - baseTimestamp);
  pushVarint(body, offsetDelta);
  pushBytes(body, record.key);
  pushBytes(body, record.value);
  pushVarint(body, 0);
  const out: number[] = [];
  pushVarint(out, body.length);
  return out.concat(body);
}

/** Encodes an uncompressed v2 record batch (baseOffset 0, no producer id) with a correct CRC. */
export function encodeBatch(records: TestRecord[], baseTimestamp = 1_700_000_000_000): Buffer {
  const recordBytes = Buffer.from(records.flatMap((r, i) => encodeRecord(r, i, baseTimestamp)));
  const buf = Buffer.alloc(RECORD_BATCH_HEADER_SIZE + recordBytes.length);
  const maxTimestamp = Math.max(baseTimestamp, ...records.map((r) => r.timestamp ?? baseTimestamp));
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BatchField.batchLength);
  buf.writeInt32BE(-1, BatchField.partitionLeaderEpoch);
  buf.writeInt8(2, BatchField.magic);
  buf.writeInt16BE(0, BatchField.attributes);
  buf.writeInt32BE(records.length - 1, BatchField.lastOffsetDelta);
  writeInt64(buf, baseTimestamp, BatchField.baseTimestamp);
  writeInt64(buf, maxTimestamp, BatchField.maxTimestamp);
  writeInt64(buf, -1, BatchField.producerId);
  buf.writeInt16BE(-1, BatchField.producerEpoch);
  buf.writeInt32BE(-1, BatchField.baseSequence);
  buf.writeInt32BE(records.length, BatchField.recordCount);
  recordBytes.copy(buf, RECORD_BATCH_HEADER_SIZE);
  buf.writeUInt32BE(crc32c(buf, BatchField.attributes), BatchField.crc);
  return buf;
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
