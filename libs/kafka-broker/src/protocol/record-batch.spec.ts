import { decodeRecords, encodeBatch, encodeValues } from '../storage/test/batch-builder';
import { crc32c } from './crc32c';
import { ErrorCode } from './error-codes';
import {
  BatchField,
  RECORD_BATCH_HEADER_SIZE,
  assignOffsets,
  findRecordByTimestamp,
  readBatchHeader,
  readInt64,
  validateRecordBatches,
  writeInt64,
} from './record-batch';

const MAX = 1_000_000;

function resealCrc(batch: Buffer): void {
  batch.writeUInt32BE(crc32c(batch, BatchField.attributes), BatchField.crc);
}

describe('readBatchHeader', () => {
  it('decodes every header field of a v2 batch', () => {
    const batch = encodeBatch(
      [
        { value: 'a', timestamp: 1000 },
        { value: 'b', timestamp: 1500 },
      ],
      1000,
    );
    expect(readBatchHeader(batch, 0)).toEqual({
      baseOffset: 0,
      batchLength: batch.length - 12,
      partitionLeaderEpoch: -1,
      magic: 2,
      crc: crc32c(batch, 21),
      attributes: 0,
      lastOffsetDelta: 1,
      baseTimestamp: 1000,
      maxTimestamp: 1500,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      recordCount: 2,
    });
    expect(RECORD_BATCH_HEADER_SIZE).toBe(61);
  });

  it('reads a header that does not start at byte 0', () => {
    const buf = Buffer.concat([encodeValues('x', 1), encodeValues('y', 3)]);
    const second = readBatchHeader(buf, buf.length - encodeValues('y', 3).length);
    expect(second.recordCount).toBe(3);
  });
});

describe('int64 helpers', () => {
  it.each([0, 1, -1, 2 ** 32, 2 ** 32 + 5, -(2 ** 40) - 3, Number.MAX_SAFE_INTEGER])(
    'round-trips %d',
    (v) => {
      const buf = Buffer.alloc(8);
      writeInt64(buf, v, 0);
      expect(buf.readBigInt64BE(0)).toBe(BigInt(v));
      expect(readInt64(buf, 0)).toBe(v);
    },
  );
});

describe('validateRecordBatches', () => {
  it('accepts several complete batches and counts them', () => {
    const buf = Buffer.concat([encodeValues('a', 3), encodeValues('b', 1), encodeValues('c', 5)]);
    expect(validateRecordBatches(buf, MAX)).toEqual({ ok: true, batchCount: 3, recordCount: 9 });
  });

  it('detects a flipped bit in every byte covered by the CRC', () => {
    const batch = encodeValues('payload', 4);
    for (let i = BatchField.attributes; i < batch.length; i++) {
      const copy = Buffer.from(batch);
      copy[i] ^= 0x10;
      const result = validateRecordBatches(copy, MAX);
      expect(result).toMatchObject({ ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE });
    }
  });

  it('detects a corrupted CRC field', () => {
    const batch = encodeValues('payload', 2);
    batch[BatchField.crc + 3] ^= 1;
    expect(validateRecordBatches(batch, MAX)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('CRC'),
    });
  });

  it('detects truncation at every length', () => {
    const buf = Buffer.concat([encodeValues('a', 2), encodeValues('b', 2)]);
    const first = encodeValues('a', 2).length;
    for (let len = 1; len < buf.length; len++) {
      if (len === first) continue;
      const result = validateRecordBatches(buf.subarray(0, len), MAX);
      expect(result).toMatchObject({ ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE });
    }
  });

  it('rejects trailing bytes after the last batch', () => {
    const buf = Buffer.concat([encodeValues('a', 2), Buffer.from([0, 0, 0])]);
    expect(validateRecordBatches(buf, MAX)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
    });
  });

  it('rejects an empty buffer', () => {
    expect(validateRecordBatches(Buffer.alloc(0), MAX)).toMatchObject({ ok: false });
  });

  it('rejects a magic other than 2', () => {
    const batch = encodeValues('a', 1);
    batch.writeInt8(1, BatchField.magic);
    expect(validateRecordBatches(batch, MAX)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
      reason: expect.stringContaining('magic'),
    });
  });

  it('rejects a batchLength smaller than the header', () => {
    const batch = encodeValues('a', 1);
    batch.writeInt32BE(48, BatchField.batchLength);
    expect(validateRecordBatches(batch, MAX)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
    });
  });

  it('rejects negative lastOffsetDelta and recordCount even with a matching CRC', () => {
    const a = encodeValues('a', 1);
    a.writeInt32BE(-1, BatchField.lastOffsetDelta);
    resealCrc(a);
    expect(validateRecordBatches(a, MAX)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('lastOffset'),
    });
    const b = encodeValues('b', 1);
    b.writeInt32BE(-2, BatchField.recordCount);
    resealCrc(b);
    expect(validateRecordBatches(b, MAX)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('recordCount'),
    });
  });

  it('answers MESSAGE_TOO_LARGE when one batch exceeds the limit', () => {
    const small = encodeValues('a', 1);
    const big = encodeValues('b'.repeat(200), 5);
    const buf = Buffer.concat([small, big]);
    expect(validateRecordBatches(buf, big.length)).toMatchObject({ ok: true });
    expect(validateRecordBatches(buf, big.length - 1)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.MESSAGE_TOO_LARGE,
    });
  });
});

describe('assignOffsets', () => {
  it('numbers batches consecutively, resets the leader epoch and keeps the CRC valid', () => {
    const buf = Buffer.concat([encodeValues('a', 3), encodeValues('b', 1), encodeValues('c', 2)]);
    expect(assignOffsets(buf, 100)).toBe(106);
    expect(validateRecordBatches(buf, MAX)).toMatchObject({ ok: true });
    expect(decodeRecords(buf).map((r) => r.offset)).toEqual([100, 101, 102, 103, 104, 105]);
    expect(readBatchHeader(buf, 0).partitionLeaderEpoch).toBe(0);
  });

  it('handles offsets beyond 32 bits', () => {
    const buf = encodeValues('a', 2);
    const first = 2 ** 33 + 7;
    expect(assignOffsets(buf, first)).toBe(first + 2);
    expect(buf.readBigInt64BE(0)).toBe(BigInt(first));
  });
});

describe('findRecordByTimestamp', () => {
  const batch = encodeBatch(
    [
      { value: 'a', timestamp: 1000 },
      { value: 'b', timestamp: 3000 },
      { value: 'c', timestamp: 2000 },
    ],
    1000,
  );
  assignOffsets(batch, 50);

  it('returns the first record at or after the timestamp', () => {
    expect(findRecordByTimestamp(batch, 0, 1000)).toEqual({ offset: 50, timestamp: 1000 });
    expect(findRecordByTimestamp(batch, 0, 1001)).toEqual({ offset: 51, timestamp: 3000 });
    expect(findRecordByTimestamp(batch, 0, 3001)).toBeNull();
  });

  it('gives up on compressed batches so the caller can fall back to the batch', () => {
    const compressed = Buffer.from(batch);
    compressed.writeInt16BE(1, BatchField.attributes);
    expect(findRecordByTimestamp(compressed, 0, 1001)).toBeUndefined();
  });
});
