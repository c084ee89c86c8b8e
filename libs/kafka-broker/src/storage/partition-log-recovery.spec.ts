import * as fs from 'fs';
import * as path from 'path';

import { LogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import { decodeValues, encodeValues } from './test/batch-builder';
import { useTempDir } from './test/temp-dir';

const CONFIG: LogConfig = {
  segmentBytes: 2048,
  retentionBytes: -1,
  retentionMs: -1,
  indexIntervalBytes: 100,
};
const FIRST = '00000000000000000000';

function values(log: PartitionLog): string[] {
  const out: string[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const chunk = log.read(offset, 1e6);
    out.push(...decodeValues(chunk).map((v) => v ?? ''));
    offset += decodeValues(chunk).length;
  }
  return out;
}

/** Writes `batches` batches of 2 records each, returning the byte size of each batch. */
function fill(dir: string, batches: number, config: LogConfig = CONFIG): number[] {
  const log = PartitionLog.open(dir, config);
  const sizes: number[] = [];
  for (let i = 0; i < batches; i++) {
    const batch = encodeValues(`v${i}`, 2);
    sizes.push(batch.length);
    log.append(batch);
  }
  log.close();
  return sizes;
}

function activeLogFile(dir: string): string {
  const logs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  return path.join(dir, logs[logs.length - 1]);
}

describe('PartitionLog recovery', () => {
  const tmp = useTempDir();
  const dirOf = (): string => path.join(tmp(), 'events-0');

  it('cuts a torn last batch on reopen and continues appending at its offset', () => {
    const dir = dirOf();
    fill(dir, 10);
    const file = path.join(dir, `${FIRST}.log`);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 5);
    const log = PartitionLog.open(dir, CONFIG);
    expect(log.logEndOffset).toBe(18);
    expect(fs.statSync(file).size).toBe(size - encodeValues('v9', 2).length);
    expect(log.append(encodeValues('new', 1))).toEqual({ baseOffset: 18, lastOffset: 18 });
    expect(values(log).slice(-3)).toEqual(['v8-0', 'v8-1', 'new-0']);
    log.close();
  });

  it('cuts a tail that holds only part of a batch header', () => {
    const dir = dirOf();
    fill(dir, 3);
    const file = path.join(dir, `${FIRST}.log`);
    fs.appendFileSync(file, encodeValues('partial', 1).subarray(0, 20));
    const log = PartitionLog.open(dir, CONFIG);
    expect(log.logEndOffset).toBe(6);
    log.close();
  });

  it.each([
    ['random garbage', Buffer.from('this is not a record batch at all, just junk bytes from a crash')],
    ['zero-filled blocks', Buffer.alloc(4096)],
  ])('cuts %s appended after the last batch', (_name, junk) => {
    const dir = dirOf();
    fill(dir, 5);
    const file = path.join(dir, `${FIRST}.log`);
    const size = fs.statSync(file).size;
    fs.appendFileSync(file, junk);
    const log = PartitionLog.open(dir, CONFIG);
    expect(fs.statSync(file).size).toBe(size);
    expect(log.logEndOffset).toBe(10);
    expect(values(log)).toHaveLength(10);
    log.close();
  });

  it('cuts at the first batch after the last index entry whose CRC does not match', () => {
    const dir = dirOf();
    const sparse = { ...CONFIG, indexIntervalBytes: 1e6 };
    const sizes = fill(dir, 8, sparse);
    const file = path.join(dir, `${FIRST}.log`);
    const data = fs.readFileSync(file);
    const sixthBatch = sizes.slice(0, 5).reduce((a, b) => a + b, 0);
    data[sixthBatch + 40] ^= 0xff;
    fs.writeFileSync(file, data);
    const log = PartitionLog.open(dir, sparse);
    expect(log.logEndOffset).toBe(10);
    expect(fs.statSync(file).size).toBe(sixthBatch);
    expect(values(log)[9]).toBe('v4-1');
    log.close();
  });

  it('cuts a last batch whose CRC does not match', () => {
    const dir = dirOf();
    const sizes = fill(dir, 8);
    const file = path.join(dir, `${FIRST}.log`);
    const data = fs.readFileSync(file);
    data[data.length - 3] ^= 0x01;
    fs.writeFileSync(file, data);
    const log = PartitionLog.open(dir, CONFIG);
    expect(log.logEndOffset).toBe(14);
    expect(fs.statSync(file).size).toBe(data.length - sizes[7]);
    log.close();
  });

  it('re-creates a missing index exactly as it was written', () => {
    const dir = dirOf();
    fill(dir, 12);
    const indexFile = path.join(dir, `${FIRST}.index`);
    const timeIndexFile = path.join(dir, `${FIRST}.timeindex`);
    const original = fs.readFileSync(indexFile);
    const originalTime = fs.readFileSync(timeIndexFile);
    expect(original.length).toBeGreaterThan(8);
    fs.unlinkSync(indexFile);
    fs.unlinkSync(timeIndexFile);
    const log = PartitionLog.open(dir, CONFIG);
    expect(fs.readFileSync(indexFile)).toEqual(original);
    expect(fs.readFileSync(timeIndexFile)).toEqual(originalTime);
    expect(values(log)).toHaveLength(24);
    log.close();
  });

  it('drops index entries beyond the truncation point and writes new ones for later appends', () => {
    const dir = dirOf();
    fill(dir, 12);
    const file = path.join(dir, `${FIRST}.log`);
    const indexFile = path.join(dir, `${FIRST}.index`);
    const entriesBefore = fs.statSync(indexFile).size / 8;
    fs.truncateSync(file, fs.statSync(file).size / 2);
    const log = PartitionLog.open(dir, CONFIG);
    const index = fs.readFileSync(indexFile);
    const logSize = fs.statSync(file).size;
    expect(index.length / 8).toBeLessThan(entriesBefore);
    for (let at = 0; at < index.length; at += 8) expect(index.readInt32BE(at + 4)).toBeLessThan(logSize);
    const end = log.logEndOffset;
    for (let i = 0; i < 6; i++) log.append(encodeValues(`again${i}`, 2));
    log.close();
    const reopened = PartitionLog.open(dir, CONFIG);
    expect(reopened.logEndOffset).toBe(end + 12);
    expect(values(reopened).slice(-2)).toEqual(['again5-0', 'again5-1']);
    reopened.close();
  });

  it('ignores index garbage and entries pointing past the end of a sealed segment', () => {
    const dir = dirOf();
    fill(dir, 40);
    const indexFile = path.join(dir, `${FIRST}.index`);
    const bogus = Buffer.alloc(16);
    bogus.writeInt32BE(1000, 0);
    bogus.writeInt32BE(10_000_000, 4);
    bogus.writeInt32BE(3, 8);
    bogus.writeInt32BE(5, 12);
    fs.appendFileSync(indexFile, Buffer.concat([bogus, Buffer.from([1, 2, 3])]));
    const log = PartitionLog.open(dir, CONFIG);
    expect(log.segmentCount).toBeGreaterThan(1);
    const index = fs.readFileSync(indexFile);
    const lastPosition = index.readInt32BE(index.length - 4);
    expect(lastPosition).toBeLessThan(fs.statSync(path.join(dir, `${FIRST}.log`)).size);
    expect(values(log)).toEqual(Array.from({ length: 40 }, (_, i) => [`v${i}-0`, `v${i}-1`]).flat());
    log.close();
  });

  it('recovers only the active segment, keeping sealed segments intact', () => {
    const dir = dirOf();
    fill(dir, 50);
    const active = activeLogFile(dir);
    expect(path.basename(active)).not.toBe(`${FIRST}.log`);
    fs.truncateSync(active, fs.statSync(active).size - 1);
    const log = PartitionLog.open(dir, CONFIG);
    expect(log.logEndOffset).toBe(98);
    expect(values(log)).toHaveLength(98);
    log.close();
  });

  it('recovers a whole torn active segment down to empty, keeping its base offset', () => {
    const dir = dirOf();
    fill(dir, 50);
    const active = activeLogFile(dir);
    const base = Number(path.basename(active).slice(0, 20));
    fs.truncateSync(active, 30);
    const log = PartitionLog.open(dir, CONFIG);
    expect(log.logEndOffset).toBe(base);
    expect(log.append(encodeValues('z', 1)).baseOffset).toBe(base);
    log.close();
  });

  it('removes index files that have no log file', () => {
    const dir = dirOf();
    fill(dir, 2);
    const stray = path.join(dir, '00000000000000000099.index');
    fs.writeFileSync(stray, Buffer.alloc(8));
    const log = PartitionLog.open(dir, CONFIG);
    expect(fs.existsSync(stray)).toBe(false);
    log.close();
  });
});
