import { spawn } from 'child_process';
import * as path from 'path';

import { PartitionLog } from './partition-log';
import { decodeRecords, encodeValues } from './test/batch-builder';
import { useTempDir } from './test/temp-dir';

const CONFIG = { segmentBytes: 64 * 1024, retentionBytes: -1, retentionMs: -1, indexIntervalBytes: 1024 };

/** Runs the append worker until it has acknowledged `acks` appends, then kills it with SIGKILL. */
function runAndKill(dir: string, acks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = spawn(
      process.execPath,
      [
        '-r',
        require.resolve('ts-node/register/transpile-only'),
        path.join(__dirname, 'test', 'append-worker.ts'),
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let lastAcked = -1;
    let count = 0;
    let pending = '';
    worker.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) lastAcked = Number(line);
      count += lines.length;
      if (count >= acks) worker.kill('SIGKILL');
    });
    worker.on('error', reject);
    worker.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(lastAcked);
      else reject(new Error(`worker exited without being killed (signal ${signal})`));
    });
  });
}

describe('PartitionLog after kill -9', () => {
  const tmp = useTempDir();

  it('keeps every acknowledged append and continues right after the last intact batch', async () => {
    const dir = path.join(tmp(), 'killed-0');
    const lastAcked = await runAndKill(dir, 3000);
    expect(lastAcked).toBeGreaterThan(1000);

    const log = PartitionLog.open(dir, CONFIG);
    expect(log.logEndOffset).toBeGreaterThan(lastAcked);
    expect(log.segmentCount).toBeGreaterThan(1);
    let offset = 0;
    while (offset < log.logEndOffset) {
      for (const record of decodeRecords(log.read(offset, 64 * 1024))) {
        expect(record.offset).toBe(offset);
        expect(record.value).toBe(`w${Math.floor(offset / 5)}-${offset % 5}`);
        offset++;
      }
    }
    const end = log.logEndOffset;
    expect(log.append(encodeValues('after', 1)).baseOffset).toBe(end);
    log.close();
  });
});
