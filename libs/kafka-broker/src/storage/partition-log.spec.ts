import * as fs from 'fs';
import * as path from 'path';

import { readBatchHeader, validateRecordBatches } from '../protocol/record-batch';
import { LogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import { decodeRecords, decodeValues, encodeBatch, encodeValues } from './test/batch-builder';
import { useTempDir } from './test/temp-dir';

const CONFIG: LogConfig = {
  segmentBytes: 1024,
  retentionBytes: -1,
  retentionMs: -1,
  indexIntervalBytes: 128,
};

/** Reads the whole log sequentially, the way a consumer does. */
function readAll(log: PartitionLog, from: number, maxBytes: number): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const chunk = log.read(offset, maxBytes);
    expect(chunk.length).toBeGreaterThan(0);
    chunks.push(chunk);
    const records = decodeRecords(chunk);
    offset = records[records.length - 1].offset + 1;
  }
  return chunks;
}

describe('PartitionLog', () => {
  const tmp = useTempDir();
  const open = (config: LogConfig = CONFIG): PartitionLog =>
    PartitionLog.open(path.join(tmp(), 'orders-0'), config);

  it('starts empty at offset 0 in a newly created directory', () => {
    const log = open();
    expect([log.logStartOffset, log.logEndOffset, log.sizeBytes]).toEqual([0, 0, 0]);
    expect(log.read(0, 1000)).toHaveLength(0);
    expect(fs.readdirSync(log.dir).sort()).toEqual([
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
    ]);
    log.close();
  });

  it('assigns consecutive offsets to appended batches', () => {
    const log = open();
    expect(log.append(encodeValues('a', 3))).toEqual({ baseOffset: 0, lastOffset: 2 });
    expect(log.append(Buffer.concat([encodeValues('b', 1), encodeValues('c', 2)]))).toEqual({
      baseOffset: 3,
      lastOffset: 5,
    });
    expect(log.logEndOffset).toBe(6);
    log.close();
  });

  it('round-trips every record across several segments', () => {
    const log = open();
    const expected: string[] = [];
    for (let i = 0; i < 60; i++) {
      log.append(encodeValues(`m${i}`, 3));
      expected.push(`m${i}-0`, `m${i}-1`, `m${i}-2`);
    }
    expect(log.segmentCount).toBeGreaterThan(5);
    const chunks = readAll(log, 0, 300);
    expect(chunks.flatMap(decodeValues)).toEqual(expected);
    for (const chunk of chunks) expect(validateRecordBatches(chunk, 1e6)).toMatchObject({ ok: true });
    log.close();
  });

  it('rolls segments named after their zero-padded base offset and never beyond segmentBytes', () => {
    const log = open();
    for (let i = 0; i < 40; i++) log.append(encodeValues(`v${i}`, 2));
    const logs = fs.readdirSync(log.dir).filter((f) => f.endsWith('.log'));
    expect(logs.length).toBe(log.segmentCount);
    for (const file of logs) {
      expect(file).toMatch(/^\d{20}\.log$/);
      const size = fs.statSync(path.join(log.dir, file)).size;
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThanOrEqual(CONFIG.segmentBytes);
      const data = fs.readFileSync(path.join(log.dir, file));
      expect(readBatchHeader(data, 0).baseOffset).toBe(Number(file.slice(0, 20)));
    }
    expect(log.sizeBytes).toBe(logs.reduce((sum, f) => sum + fs.statSync(path.join(log.dir, f)).size, 0));
    log.close();
  });

  it('puts a batch larger than segmentBytes into a segment of its own', () => {
    const log = open({ ...CONFIG, segmentBytes: 200 });
    log.append(encodeValues('small', 1));
    log.append(encodeValues('x'.repeat(500), 1));
    log.append(encodeValues('small', 1));
    expect(log.segmentCount).toBe(3);
    expect(decodeValues(log.read(1, 10))).toEqual(['x'.repeat(500) + '-0']);
    log.close();
  });

  it('reads from the batch containing an offset in the middle of a batch', () => {
    const log = open();
    log.append(encodeValues('a', 3));
    log.append(encodeValues('b', 3));
    const records = decodeRecords(log.read(4, 10_000));
    expect(records.map((r) => r.offset)).toEqual([3, 4, 5]);
    log.close();
  });

  it('finds the right batch for every offset with random access', () => {
    const log = open();
    for (let i = 0; i < 50; i++) log.append(encodeValues(`r${i}`, (i % 4) + 1));
    for (let offset = log.logEndOffset - 1; offset >= 0; offset--) {
      const first = readBatchHeader(log.read(offset, 1), 0);
      expect(first.baseOffset).toBeLessThanOrEqual(offset);
      expect(first.baseOffset + first.lastOffsetDelta).toBeGreaterThanOrEqual(offset);
    }
    log.close();
  });

  it('returns at least one whole batch even when it is larger than maxBytes (KIP-74)', () => {
    const log = open();
    const big = encodeValues('y'.repeat(300), 2);
    log.append(big);
    log.append(encodeValues('next', 1));
    const data = log.read(0, 10);
    expect(data.length).toBe(big.length);
    expect(decodeValues(data)).toEqual(['y'.repeat(300) + '-0', 'y'.repeat(300) + '-1']);
    log.close();
  });

  it('returns only whole batches that fit in maxBytes after the first', () => {
    const log = open({ ...CONFIG, segmentBytes: 1e6 });
    const batch = encodeValues('z', 1);
    for (let i = 0; i < 10; i++) log.append(Buffer.from(batch));
    expect(log.read(0, batch.length * 3 + 5).length).toBe(batch.length * 3);
    expect(log.read(0, batch.length * 3).length).toBe(batch.length * 3);
    expect(log.read(7, 1e6).length).toBe(batch.length * 3);
    log.close();
  });

  it('returns an empty buffer at the log end and rejects offsets outside the log', () => {
    const log = open();
    log.append(encodeValues('a', 2));
    expect(log.read(2, 1000)).toHaveLength(0);
    expect(() => log.read(3, 1000)).toThrow(RangeError);
    expect(() => log.read(-1, 1000)).toThrow(RangeError);
    log.close();
  });

  it('serves a consumer tailing the log as batches keep arriving, across segment rolls', () => {
    const log = open({ ...CONFIG, segmentBytes: 400 });
    const seen: string[] = [];
    let offset = 0;
    for (let i = 0; i < 30; i++) {
      log.append(encodeValues(`t${i}`, 2));
      const data = log.read(offset, 1e6);
      const records = decodeRecords(data);
      seen.push(...records.filter((r) => r.offset >= offset).map((r) => r.value ?? ''));
      offset = records[records.length - 1].offset + 1;
    }
    expect(log.segmentCount).toBeGreaterThan(3);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => [`t${i}-0`, `t${i}-1`]).flat());
    log.close();
  });

  it('needs a single readSync per fetch for a consumer reading sequentially', () => {
    const log = open({ ...CONFIG, segmentBytes: 1e6 });
    for (let i = 0; i < 200; i++) log.append(encodeValues(`s${i}`, 2));
    // The namespace import is a read-only view; spy on the module object the log really calls.
    const readSync = jest.spyOn(jest.requireActual<typeof fs>('fs'), 'readSync');
    try {
      let offset = 0;
      let fetches = 0;
      while (offset < log.logEndOffset) {
        const records = decodeRecords(log.read(offset, 500));
        offset = records[records.length - 1].offset + 1;
        fetches++;
      }
      expect(fetches).toBeGreaterThan(10);
      expect(readSync).toHaveBeenCalledTimes(fetches);
    } finally {
      readSync.mockRestore();
    }
    log.close();
  });

  it('keeps offsets and data after a reopen and continues appending after them', () => {
    const dir = path.join(tmp(), 'p-0');
    const first = PartitionLog.open(dir, CONFIG);
    for (let i = 0; i < 30; i++) first.append(encodeValues(`k${i}`, 2));
    first.close();
    const reopened = PartitionLog.open(dir, CONFIG);
    expect(reopened.logEndOffset).toBe(60);
    expect(reopened.append(encodeValues('after', 1))).toEqual({ baseOffset: 60, lastOffset: 60 });
    const values = readAll(reopened, 0, 500).flatMap(decodeValues);
    expect(values).toHaveLength(61);
    expect(values[59]).toBe('k29-1');
    expect(values[60]).toBe('after-0');
    reopened.close();
  });

  it('makes appended data visible to a fresh open without close or flush (crash safety)', () => {
    const dir = path.join(tmp(), 'p-0');
    const crashed = PartitionLog.open(dir, CONFIG);
    for (let i = 0; i < 20; i++) crashed.append(encodeValues(`c${i}`, 1));
    const recovered = PartitionLog.open(dir, CONFIG);
    expect(recovered.logEndOffset).toBe(20);
    expect(readAll(recovered, 0, 1e6).flatMap(decodeValues)).toHaveLength(20);
    recovered.close();
    crashed.close();
  });

  it('flushes and closes idempotently and refuses use after close', () => {
    const log = open();
    log.append(encodeValues('a', 1));
    log.flush();
    log.flush();
    log.close();
    log.close();
    expect(() => log.append(encodeValues('b', 1))).toThrow(/closed/);
  });

  it('deletes its whole directory on destroy', () => {
    const log = open();
    log.append(encodeValues('a', 1));
    log.destroy();
    expect(fs.existsSync(log.dir)).toBe(false);
  });

  it('rejects an empty append', () => {
    const log = open();
    expect(() => log.append(Buffer.alloc(0))).toThrow(RangeError);
    log.close();
  });

  describe('offsetForTimestamp', () => {
    const T = 1_700_000_000_000;

    function appendTimed(log: PartitionLog, timestamps: number[]): void {
      for (const ts of timestamps) log.append(encodeBatch([{ value: `at-${ts - T}`, timestamp: ts }], ts));
    }

    it('returns the first offset whose timestamp is at or after the target', () => {
      const log = open();
      appendTimed(
        log,
        Array.from({ length: 40 }, (_, i) => T + i * 1000),
      );
      expect(log.offsetForTimestamp(T - 5)).toEqual({ offset: 0, timestamp: T });
      expect(log.offsetForTimestamp(T + 10_000)).toEqual({ offset: 10, timestamp: T + 10_000 });
      expect(log.offsetForTimestamp(T + 10_001)).toEqual({ offset: 11, timestamp: T + 11_000 });
      expect(log.offsetForTimestamp(T + 39_000)).toEqual({ offset: 39, timestamp: T + 39_000 });
      expect(log.offsetForTimestamp(T + 39_001)).toBeNull();
      log.close();
    });

    it('uses batch maxTimestamp order, not index order, when timestamps go backwards', () => {
      const log = open();
      appendTimed(log, [T + 5000, T + 1000, T + 9000, T + 2000, T + 7000]);
      expect(log.offsetForTimestamp(T + 6000)).toEqual({ offset: 2, timestamp: T + 9000 });
      expect(log.offsetForTimestamp(T + 1500)).toEqual({ offset: 0, timestamp: T + 5000 });
      log.close();
    });

    it('narrows to the first matching record inside a batch', () => {
      const log = open();
      log.append(encodeValues('first', 2, T));
      log.append(
        encodeBatch(
          [
            { value: 'a', timestamp: T + 100 },
            { value: 'b', timestamp: T + 200 },
            { value: 'c', timestamp: T + 300 },
          ],
          T + 100,
        ),
      );
      expect(log.offsetForTimestamp(T + 150)).toEqual({ offset: 3, timestamp: T + 200 });
      log.close();
    });

    it('works across segments and after a reopen', () => {
      const dir = path.join(tmp(), 'p-0');
      const log = PartitionLog.open(dir, { ...CONFIG, segmentBytes: 300 });
      appendTimed(
        log,
        Array.from({ length: 60 }, (_, i) => T + i * 10),
      );
      log.close();
      const reopened = PartitionLog.open(dir, { ...CONFIG, segmentBytes: 300 });
      expect(reopened.segmentCount).toBeGreaterThan(3);
      for (let i = 0; i < 60; i += 7) {
        expect(reopened.offsetForTimestamp(T + i * 10 - 3)).toEqual({ offset: i, timestamp: T + i * 10 });
      }
      reopened.close();
    });
  });
});
