import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LAUNCHER = join(ROOT, 'tools', 'launcher', 'start.ts');
export const SERVICE_NAMES = ['orders', 'returns', 'inventory', 'kpi'] as const;
const BOOT_TIMEOUT_MS = 240_000;
const STOP_GRACE_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port whose four successors (the services) are free right now. */
async function freePortRun(length: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range (32768+), where outgoing connections could take one meanwhile.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Array.from({ length }, (_, i) => portIsFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${length} consecutive free ports found`);
}

/** The whole system as `npm start` runs it, in its own data dir on free ports. */
export interface RunningSystem {
  readonly brokers: string;
  readonly services: readonly { name: string; port: number }[];
  /** The launcher's process id: it hosts the broker (embedded PostgreSQL runs in its own processes). */
  readonly launcherPid: number;
  /** Whether the launcher is still running. */
  readonly alive: () => boolean;
  /** Lines the launcher printed that say a service died and was restarted. */
  readonly restarts: string[];
  stop(): Promise<void>;
}

/**
 * Starts tools/launcher/start.ts as a child process with OPSLINE_DATA_DIR set to `dataDir` and free
 * ports for the broker, PostgreSQL (embedded unless DATABASE_URL is set) and the four services.
 * Its output (every service's log) goes to `logFile`; services log at LOG_LEVEL (default warn).
 */
export async function startSystem(dataDir: string, logFile: string): Promise<RunningSystem> {
  const [kafkaPort, pgPort, serviceBase] = await Promise.all([freePort(), freePort(), freePortRun(4)]);
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', LAUNCHER],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        OPSLINE_DATA_DIR: dataDir,
        KAFKA_PORT: String(kafkaPort),
        PG_PORT: String(pgPort),
        OPSLINE_SERVICE_PORT_BASE: String(serviceBase),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const restarts: string[] = [];
  let output = '';
  const up = new Promise<void>((resolve, reject) => {
    const onChunk = (chunk: Buffer): void => {
      log.write(chunk);
      const text = chunk.toString();
      for (const line of text.split('\n')) if (/^launcher \| \w+ exited/.test(line)) restarts.push(line);
      if (output.length < 1_000_000) output += text;
      if (output.includes('opsline is up') && output.includes('Ctrl-C stops everything')) {
        if (output.includes('NOT READY')) reject(new Error(`a service did not get ready; see ${logFile}`));
        else resolve();
      }
    };
    child.stdout?.on('data', onChunk);
    child.stderr?.on('data', onChunk);
    void exit.then(() => reject(new Error(`the launcher exited during start; see ${logFile}`)));
    setTimeout(
      () => reject(new Error(`not up within ${BOOT_TIMEOUT_MS} ms; see ${logFile}`)),
      BOOT_TIMEOUT_MS,
    ).unref();
  });
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exit;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => log.end(resolve));
  };
  try {
    await up;
  } catch (error) {
    await stop();
    // The log file may go with the data dir: keep its end in the error.
    throw new Error(
      `${(error as Error).message}\n--- end of the launcher's output ---\n${output.slice(-3000)}`,
    );
  }
  return {
    // The launcher uses KAFKA_BROKERS instead of its own broker when it is set.
    brokers: process.env.KAFKA_BROKERS?.split(',')[0] || `127.0.0.1:${kafkaPort}`,
    services: SERVICE_NAMES.map((name, i) => ({ name, port: serviceBase + i })),
    launcherPid: child.pid as number,
    alive: () => !exited,
    restarts,
    stop,
  };
}
