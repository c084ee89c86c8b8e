import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { resolveDatabaseUrl, withDatabaseName } from '../database-url';
import { startEmbeddedPostgres } from '../embedded-postgres';
import { reclaimPostmasterLock } from '../embedded/postmaster-lock';
import { isProcessAlive } from '../embedded/process-info';
import { jsonLogger, PersistenceLogger } from '../logger';

/** The PostgreSQL server medium tests create their databases on. */
export interface TestServer {
  /** `DATABASE_URL`, the local server on 5432, or an embedded one for this jest worker. */
  kind: 'database-url' | 'local' | 'embedded';
  /** Connection URL of a database to run CREATE / DROP DATABASE from (needs CREATEDB). */
  adminUrl: string;
}

/** Where the tests look for a PostgreSQL when `DATABASE_URL` is not set. */
export const LOCAL_TEST_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Parent of the per-worker embedded clusters (only used when no other server is available). */
export const EMBEDDED_TEST_SERVER_DIR = join(tmpdir(), 'opsline-test-postgres');

/** How {@link resolveTestServer} looks for a server; the defaults are what the tests use. */
export interface ResolveTestServerOptions {
  env?: Readonly<Record<string, string | undefined>>;
  localUrl?: string;
  logger?: PersistenceLogger;
}

/**
 * Picks the server: `DATABASE_URL` if set; else {@link LOCAL_TEST_SERVER_URL} if it answers within
 * 2 s; else an embedded PostgreSQL for this jest worker (started by the worker's first spec file
 * that needs it, reused by the next ones, stopped when the worker exits).
 */
export async function resolveTestServer(options: ResolveTestServerOptions = {}): Promise<TestServer> {
  const databaseUrl = resolveDatabaseUrl(options.env ?? process.env);
  if (databaseUrl) return { kind: 'database-url', adminUrl: databaseUrl };
  const localUrl = options.localUrl ?? LOCAL_TEST_SERVER_URL;
  if (await answers(localUrl)) return { kind: 'local', adminUrl: localUrl };
  return { kind: 'embedded', adminUrl: await embeddedServerForThisWorker(options.logger ?? jsonLogger) };
}

/** Whether a server accepts a connection and a query at `url` within `timeoutMs`. */
export async function answers(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined); // a late socket error must not crash the worker
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface WorkerServerState {
  url: string;
}

// Jest gives every spec file a fresh module registry, so "once per worker" cannot be a module
// variable; the worker's pid names a state file instead.
async function embeddedServerForThisWorker(logger: PersistenceLogger): Promise<string> {
  await mkdir(EMBEDDED_TEST_SERVER_DIR, { recursive: true });
  // PostgreSQL runs as the postgres user when we are root, and must reach its data dir below this.
  await chmod(EMBEDDED_TEST_SERVER_DIR, 0o755).catch(() => undefined);
  const stateFile = join(EMBEDDED_TEST_SERVER_DIR, `worker-${process.pid}.json`);
  const previous = await readState(stateFile);
  if (previous && (await answers(previous.url))) return previous.url;
  await removeClustersOfDeadWorkers(logger);
  const server = await startEmbeddedPostgres({
    dataDir: join(EMBEDDED_TEST_SERVER_DIR, `worker-${process.pid}`),
    port: 0,
    database: 'postgres',
    durable: false,
    keepProcessAlive: false,
    logger,
  });
  await writeFile(stateFile, JSON.stringify({ url: server.url } satisfies WorkerServerState));
  return withDatabaseName(server.url, 'postgres');
}

async function readState(stateFile: string): Promise<WorkerServerState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(stateFile, 'utf8')) as Partial<WorkerServerState>;
    return typeof parsed.url === 'string' ? { url: parsed.url } : undefined;
  } catch {
    return undefined;
  }
}

async function removeClustersOfDeadWorkers(logger: PersistenceLogger): Promise<void> {
  for (const entry of await readdir(EMBEDDED_TEST_SERVER_DIR)) {
    const pid = Number(/^worker-(\d+)(\.json)?$/.exec(entry)?.[1]);
    if (!pid || pid === process.pid || isProcessAlive(pid)) continue;
    const path = join(EMBEDDED_TEST_SERVER_DIR, entry);
    try {
      // A killed runner can leave its postmaster running; stop it before deleting its files.
      if (!entry.endsWith('.json')) await reclaimPostmasterLock(path, logger);
      await rm(path, { recursive: true, force: true });
    } catch (error) {
      logger.warn('could not remove a dead jest worker’s embedded cluster', { path, error: String(error) });
    }
  }
}
