import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const CLI = join(__dirname, '..', 'src', 'cli.ts');
const CLOCK_TICKS_PER_SECOND = 100;

/** The broker in its own process, so that its CPU time can be told apart from the client's. */
export interface BrokerProcess {
  readonly address: string;
  /** CPU seconds (user + system) the broker process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export async function spawnBroker(
  port: number,
  dataDir: string,
  extraArgs: string[] = [],
): Promise<BrokerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      CLI,
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('broker listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${log}`)));
  });
  return {
    address: `127.0.0.1:${port}`,
    cpuSeconds() {
      // /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    },
    stop() {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
