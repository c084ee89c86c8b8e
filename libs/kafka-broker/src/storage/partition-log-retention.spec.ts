import * as fs from 'fs';
import * as path from 'path';

import { LogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import { decodeRecords, encodeValues } from './test/batch-builder';
import { useTempDir } from './test/temp-dir';

const T = 1_700_000_000_000;
const CONFIG: LogConfig = { segmentBytes: 500, retentionBytes: -1, retentionMs: -1, indexIntervalBytes: 100 };

describe('PartitionLog retention', () => {
  const tmp = useTempDir();
  const dirOf = (): string => path.join(tmp(), 'metrics-0');

  /** Appends `count` single-record batches, batch i stamped T + i * 1000. */
  function fill(log: PartitionLog, count: number): void {
    for (let i = 0; i < count; i++) log.append(encodeValues(`r${i}`, 1, T + i * 1000));
  }

  function segmentFiles(dir: string): string[] {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.log'));
  }

  it('deletes the oldest segments while the log is larger than retentionBytes', () => {
    const log = PartitionLog.open(dirOf(), { ...CONFIG, retentionBytes: 1200 });
    fill(log, 60);
    const segmentsBefore = log.segmentCount;
    const deleted = log.deleteExpiredSegments(T);
    expect(deleted).toBeGreaterThan(0);
    expect(log.segmentCount).toBe(segmentsBefore - deleted);
    expect(log.sizeBytes).toBeLessThanOrEqual(1200);
    expect(log.sizeBytes).toBeGreaterThan(1200 - CONFIG.segmentBytes);
    expect(segmentFiles(log.dir)).toHaveLength(log.segmentCount);
    expect(fs.readdirSync(log.dir)).toHaveLength(log.segmentCount * 3);
    log.close();
  });

  it('moves the log start offset to the first remaining segment and serves reads from there', () => {
    const log = PartitionLog.open(dirOf(), { ...CONFIG, retentionBytes: 1200 });
    fill(log, 60);
    log.read(0, 200);
    log.deleteExpiredSegments(T);
    const start = log.logStartOffset;
    expect(start).toBeGreaterThan(0);
    expect(segmentFiles(log.dir).sort()[0]).toBe(`${String(start).padStart(20, '0')}.log`);
    expect(decodeRecords(log.read(start, 100))[0]).toMatchObject({ offset: start, value: `r${start}-0` });
    expect(() => log.read(start - 1, 100)).toThrow(RangeError);
    expect(log.logEndOffset).toBe(60);
    log.close();
  });

  it('deletes segments whose newest record is older than retentionMs, stopping at the first young one', () => {
    const log = PartitionLog.open(dirOf(), { ...CONFIG, retentionMs: 20_000 });
    fill(log, 60);
    const now = T + 59_000 + 1;
    const cutoff = now - 20_000;
    const deleted = log.deleteExpiredSegments(now);
    expect(deleted).toBeGreaterThan(0);
    const start = log.logStartOffset;
    // The newest deleted record (offset start - 1) was stamped T + (start - 1) * 1000.
    expect(T + (start - 1) * 1000).toBeLessThan(cutoff);
    const firstSegment = decodeRecords(log.read(start, 1e6));
    expect(Math.max(...firstSegment.map((r) => r.timestamp))).toBeGreaterThanOrEqual(cutoff);
    expect(log.deleteExpiredSegments(now)).toBe(0);
    log.close();
  });

  it('never deletes the active segment, even when everything is expired', () => {
    const log = PartitionLog.open(dirOf(), { ...CONFIG, retentionMs: 1, retentionBytes: 0 });
    fill(log, 30);
    log.deleteExpiredSegments(T + 10_000_000);
    expect(log.segmentCount).toBe(1);
    expect(log.logEndOffset).toBe(30);
    expect(log.logStartOffset).toBeGreaterThan(0);
    expect(log.append(encodeValues('more', 1)).baseOffset).toBe(30);
    log.close();
  });

  it('deletes nothing when retention is unlimited', () => {
    const log = PartitionLog.open(dirOf(), CONFIG);
    fill(log, 60);
    expect(log.deleteExpiredSegments(T + 1e12)).toBe(0);
    expect(log.logStartOffset).toBe(0);
    log.close();
  });

  it('keeps the advanced log start offset across a reopen', () => {
    const dir = dirOf();
    const config = { ...CONFIG, retentionBytes: 1000 };
    const log = PartitionLog.open(dir, config);
    fill(log, 60);
    log.deleteExpiredSegments(T);
    const start = log.logStartOffset;
    log.close();
    const reopened = PartitionLog.open(dir, config);
    expect(reopened.logStartOffset).toBe(start);
    expect(reopened.logEndOffset).toBe(60);
    reopened.close();
  });

  it('applies a configuration change at the next retention run', () => {
    const log = PartitionLog.open(dirOf(), CONFIG);
    fill(log, 60);
    expect(log.deleteExpiredSegments(T)).toBe(0);
    log.updateConfig({ ...CONFIG, retentionBytes: 600 });
    expect(log.deleteExpiredSegments(T)).toBeGreaterThan(0);
    log.close();
  });
});
