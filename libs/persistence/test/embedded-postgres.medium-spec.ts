import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, RunningEmbeddedPostgres } from '../src/embedded-postgres';
import { waitForExit } from '../src/embedded/postmaster-lock';
import { isProcessAlive, procStat } from '../src/embedded/process-info';
import { PersistenceLogger } from '../src/logger';

// A stand-in launcher: starts PostgreSQL, prints the postmaster's pid, and waits to be killed.
const LAUNCHER_SCRIPT = `
const { startEmbeddedPostgres } = require(${JSON.stringify(require.resolve('../src/embedded-postgres'))});
const { silentLogger } = require(${JSON.stringify(require.resolve('../src/logger'))});
startEmbeddedPostgres({ dataDir: process.argv[1], port: 0, logger: silentLogger }).then((server) => {
  process.stdout.write(JSON.stringify({ pid: server.pid }) + '\\n');
});
`;

interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLogger(lines: LogLine[]): PersistenceLogger {
  return {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Polls until `check` holds, failing after `timeoutMs`. */
async function waitUntil(description: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('startEmbeddedPostgres', () => {
  let root: string;
  let dataDir: string;
  let logLines: LogLine[];
  const running: RunningEmbeddedPostgres[] = [];

  async function start(): Promise<RunningEmbeddedPostgres> {
    const server = await startEmbeddedPostgres({ dataDir, port: 0, logger: recordingLogger(logLines) });
    running.push(server);
    return server;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'opsline-embedded-pg-'));
    await chmod(root, 0o755); // under root, PostgreSQL runs as the postgres user and must reach dataDir
    dataDir = join(root, 'data');
  });

  beforeEach(() => {
    logLines = [];
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.stop()));
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('initialises a cluster on first start, serves the opsline database, and says where the data lives', async () => {
    const server = await start();

    await query(server.url, 'CREATE TABLE kept (value text)');
    await query(server.url, "INSERT INTO kept VALUES ('before restart')");

    expect(server.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/opsline$/);
    expect(logLines).toContainEqual(
      expect.objectContaining({
        message: expect.stringContaining(`data in ${dataDir}`),
        fields: expect.objectContaining({ newCluster: true }),
      }),
    );
    await server.stop();
    expect(isProcessAlive(server.pid!)).toBe(false);
  });

  it('finds the data again on the next start, without a new initdb', async () => {
    const server = await start();

    expect(await query(server.url, 'SELECT value FROM kept')).toEqual([{ value: 'before restart' }]);
    expect(logLines).toContainEqual(
      expect.objectContaining({ fields: expect.objectContaining({ newCluster: false }) }),
    );
  });

  it('starts after the postmaster was killed with SIGKILL and left a stale postmaster.pid', async () => {
    const crashed = await start();
    process.kill(crashed.pid!, 'SIGKILL');
    await waitUntil('the crash to be reported', () => logLines.some((line) => line.level === 'error'));
    expect(logLines).toContainEqual(
      expect.objectContaining({ message: 'embedded PostgreSQL exited unexpectedly' }),
    );
    await crashed.stop(); // nothing left to stop; must not hang

    const server = await start();

    expect(await query(server.url, 'SELECT value FROM kept')).toEqual([{ value: 'before restart' }]);
  });

  it('starts when postmaster.pid names a live process that is not PostgreSQL (a reused pid)', async () => {
    const first = await start();
    const lockFile = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
    await first.stop();
    const impostor: ChildProcess = spawn('sleep', ['60']);
    try {
      await writeFile(join(dataDir, 'postmaster.pid'), lockFile.replace(/^\d+/, String(impostor.pid)));

      const server = await start();

      expect(await query(server.url, 'SELECT value FROM kept')).toEqual([{ value: 'before restart' }]);
      expect(logLines).toContainEqual(
        expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ pid: impostor.pid }) }),
      );
      expect(isProcessAlive(impostor.pid!)).toBe(true);
    } finally {
      impostor.kill();
    }
  });

  it('shuts down a postmaster orphaned by a killed launcher process, then starts', async () => {
    const orphaned = await start();
    const runnerPid = procStat(orphaned.pid!)!.ppid;
    process.kill(runnerPid, 'SIGKILL');
    expect(await waitForExit(runnerPid, 10_000)).toBe(true);
    expect(isProcessAlive(orphaned.pid!)).toBe(true);

    const server = await start();

    expect(isProcessAlive(orphaned.pid!)).toBe(false);
    expect(await query(server.url, 'SELECT value FROM kept')).toEqual([{ value: 'before restart' }]);
  });

  it('fails with the reason PostgreSQL gives when the port asked for is taken', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as { port: number };
    try {
      const starting = startEmbeddedPostgres({ dataDir, port, logger: recordingLogger(logLines) });

      await expect(starting).rejects.toThrow(
        new RegExp(`did not start on port ${port}[^]*could not bind`, 'i'),
      );
    } finally {
      squatter.close();
    }
  });

  it('refuses a second start on a data directory a running instance owns, leaving that instance alone', async () => {
    const owner = await start();

    await expect(start()).rejects.toThrow(/already running on .*data.*one process owns a data directory/s);

    expect(await query(owner.url, 'SELECT value FROM kept')).toEqual([{ value: 'before restart' }]);
  });

  it('stops PostgreSQL when the process that started it is killed with SIGKILL', async () => {
    const launcher = spawn(
      process.execPath,
      ['-r', require.resolve('ts-node/register/transpile-only'), '-e', LAUNCHER_SCRIPT, dataDir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [firstLine] = (await once(launcher.stdout!, 'data')) as [Buffer];
    const { pid } = JSON.parse(firstLine.toString()) as { pid: number };
    expect(isProcessAlive(pid)).toBe(true);

    launcher.kill('SIGKILL');

    expect(await waitForExit(pid, 15_000)).toBe(true);
    const server = await start();
    expect(await query(server.url, 'SELECT value FROM kept')).toEqual([{ value: 'before restart' }]);
  });
});
