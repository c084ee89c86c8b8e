import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { BrokerFixture, startTestBroker, waitFor } from '../../libs/kafka-broker/test/broker-fixture';
import { REMOVED_FROM_IMAGE, ROOT } from './deploy-files';

jest.setTimeout(180_000);

/**
 * What the image's runtime stage lacks: packages the lock file marks dev-only, and what the Dockerfile
 * removes from the production install. tsconfig-paths is blocked too: tsc-alias must have made the
 * compiled output resolve on its own.
 */
function packagesMissingFromImage(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const devOnly = Object.entries(lock.packages)
    .filter(([path, entry]) => entry.dev === true && /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path))
    .map(([path]) => path.slice('node_modules/'.length));
  return [...devOnly, ...REMOVED_FROM_IMAGE, 'tsconfig-paths'];
}

// Resolves as usual, then refuses a file inside a package directory the image does not have (a nested
// production copy of the same package elsewhere in node_modules is fine, as in the image).
const HOOK = `
const Module = require('node:module');
const blocked = JSON.parse(process.env.OPSLINE_BLOCKED_PACKAGE_DIRS);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const file = resolve.call(this, request, ...rest);
  const dir = blocked.find((candidate) => file.startsWith(candidate));
  if (dir) throw new Error('the image has no ' + dir + ' (required as ' + request + ')');
  return file;
};
`;
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

// Inside the repository, so the compiled files find node_modules as they do in the image's /app.
const outDir = join(ROOT, '.scratch', `compiled-entrypoint-${process.pid}`);
let broker: BrokerFixture;
let db: TestDatabase;
let service: ChildProcess | undefined;

beforeAll(async () => {
  [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: __filename })]);
  mkdirSync(outDir, { recursive: true });
  const bin = (name: string): string => join(ROOT, 'node_modules', '.bin', name);
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, stdio: 'pipe' });
  execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  writeFileSync(join(outDir, 'block-dev-packages.js'), HOOK);
});

afterAll(async () => {
  if (service?.exitCode === null) service.kill('SIGKILL');
  rmSync(outDir, { recursive: true, force: true });
  await db?.drop();
  await broker?.stop();
});

function runCompiled(args: string[], port: number): ChildProcess {
  return spawn(
    process.execPath,
    ['-r', join(outDir, 'block-dev-packages.js'), join(outDir, 'apps/orders/src/main.js'), ...args],
    {
      // Another working directory than the repository: nothing may depend on it.
      cwd: outDir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        OPSLINE_BLOCKED_PACKAGE_DIRS: JSON.stringify(
          packagesMissingFromImage().map((name) => join(ROOT, 'node_modules', name) + '/'),
        ),
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: db.url,
        KAFKA_BROKERS: broker.broker.address,
        OPSLINE_API_KEYS: 'k=admin',
        LOG_LEVEL: 'warn',
      },
    },
  );
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('the compiled entrypoint (what the image runs), with production dependencies only', () => {
  it('dist/apps/orders/src/main.js --migrate-only migrates the schema and exits 0', async () => {
    const result = await exitOf(runCompiled(['--migrate-only'], await freePort()));
    expect(result).toEqual({ code: 0, stderr: '' });
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const applied = await client
      .query<{ name: string }>('SELECT name FROM orders.migrations')
      .finally(() => client.end());
    expect(applied.rows.map((row) => row.name)).toContain('CreateOrders1764000000100');
  });

  it('serves /health/ready, then drains and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    service = runCompiled([], port);
    const exited = exitOf(service);
    const status = await waitFor(
      'GET /health/ready to answer 200',
      async () => {
        if (service?.exitCode !== null) throw new Error(`the service exited: ${(await exited).stderr}`);
        const response = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
        return response?.status === 200 ? response.status : undefined;
      },
      60_000,
    );
    expect(status).toBe(200);
    service.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, stderr: '' });
  });
});
