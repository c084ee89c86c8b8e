import { crc32c } from './crc32c';
import {
  BatchField,
  LOG_OVERHEAD,
  RECORD_BATCH_HEADER_SIZE,
  RECORD_BATCH_MAGIC,
  writeInt64,
} from './record-batch';

/** One record of an uncompressed v2 batch; timestamps are absolute milliseconds. */
export interface PlainRecord {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

function pushVarint(out: number[], value: number): void {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  while (zigzag >= 0x80) {
    out.push((zigzag % 0x80) | 0x80);
    zigzag = Math.floor(zigzag / 0x80);
  }
  out.push(zigzag);
}

function pushBytes(out: number[], bytes: Buffer | null): void {
  if (bytes === null) {
    pushVarint(out, -1);
    return;
  }
  pushVarint(out, bytes.length);
  for (const byte of bytes) out.push(byte);
}

function encodeRecord(record: PlainRecord, offsetDelta: number, baseTimestamp: number): number[] {
  const body: number[] = [0];
  pushVarint(body, record.timestamp - baseTimestamp);
  pushVarint(body, offsetDelta);
  pushBytes(body, record.key);
  pushBytes(body, record.value);
  pushVarint(body, 0);
  const out: number[] = [];
  pushVarint(out, body.length);
  return out.concat(body);
}

/**
 * Encodes records as one uncompressed v2 record batch (base offset 0, no producer id, CreateTime)
 * with a correct CRC-32C: what the broker stores for messages that arrive in the legacy format.
 */
export function encodeRecordBatch(records: readonly PlainRecord[]): Buffer {
  const baseTimestamp = records.length > 0 ? records[0].timestamp : 0;
  const recordBytes = Buffer.from(records.flatMap((r, i) => encodeRecord(r, i, baseTimestamp)));
  const buf = Buffer.alloc(RECORD_BATCH_HEADER_SIZE + recordBytes.length);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BatchField.batchLength);
  buf.writeInt32BE(-1, BatchField.partitionLeaderEpoch);
  buf.writeInt8(RECORD_BATCH_MAGIC, BatchField.magic);
  buf.writeInt32BE(records.length - 1, BatchField.lastOffsetDelta);
  writeInt64(buf, baseTimestamp, BatchField.baseTimestamp);
  writeInt64(buf, Math.max(baseTimestamp, ...records.map((r) => r.timestamp)), BatchField.maxTimestamp);
  writeInt64(buf, -1, BatchField.producerId);
  buf.writeInt16BE(-1, BatchField.producerEpoch);
  buf.writeInt32BE(-1, BatchField.baseSequence);
  buf.writeInt32BE(records.length, BatchField.recordCount);
  recordBytes.copy(buf, RECORD_BATCH_HEADER_SIZE);
  buf.writeUInt32BE(crc32c(buf, BatchField.attributes), BatchField.crc);
  return buf;
}
