import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { withDatabaseName } from '../src/database-url';
import { MigrationClass } from '../src/data-source';
import {
  createTestDatabase,
  dropLeftovers,
  EMBEDDED_TEST_SERVER_DIR,
  MigratedTestDatabase,
  resolveTestServer,
  TestServer,
} from '../src/testing';
import { migrationSetKey, templateDatabaseName, testDatabaseName } from '../src/testing/test-database-names';
import { CreateWidgets1718000000000, WIDGET_MIGRATIONS } from './fixtures/widget-migrations';
import { WidgetEntity } from './fixtures/widget.entity';

const DAY_MS = 24 * 60 * 60 * 1000;
const migrate = { schema: 'orders', migrations: WIDGET_MIGRATIONS, entities: [WidgetEntity] };

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function databaseExists(server: TestServer, name: string): Promise<boolean> {
  const rows = await query(server.adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}

/** A migration class with a name no earlier run has used, so its template does not exist yet. */
function freshMigration(): MigrationClass {
  const name = `CreateGadgets${Date.now()}`;
  const classes: Record<string, MigrationClass> = {
    [name]: class implements MigrationInterface {
      async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query('CREATE TABLE gadget (id integer PRIMARY KEY)');
      }
      async down(): Promise<void> {}
    },
  };
  return classes[name]!;
}

async function dropTemplate(server: TestServer, template: string): Promise<void> {
  await query(server.adminUrl, `ALTER DATABASE "${template}" WITH IS_TEMPLATE false`);
  await query(server.adminUrl, `DROP DATABASE "${template}" WITH (FORCE)`);
}

describe('createTestDatabase', () => {
  const created: Array<{ drop(): Promise<void> }> = [];
  afterAll(() => Promise.all(created.map((db) => db.drop())));

  async function migrated(): Promise<MigratedTestDatabase> {
    const db = await createTestDatabase({ name: __filename, migrate });
    created.push(db);
    return db;
  }

  it('gives each caller its own database, cloned with the schema migrated, and isolated from the others', async () => {
    const first = await migrated();
    const second = await migrated();

    await first.dataSource.getRepository(WidgetEntity).save({ id: 'w1', quantity: 1, colour: null });

    expect(first.databaseName).not.toEqual(second.databaseName);
    expect(first.databaseName).toMatch(new RegExp(`^opsline_t_test_database_${process.pid}_`));
    expect(await second.dataSource.getRepository(WidgetEntity).count()).toBe(0);
    expect(await first.dataSource.getRepository(WidgetEntity).count()).toBe(1);
    expect(await second.dataSource.query('SELECT name FROM orders.migrations ORDER BY id')).toEqual([
      { name: 'CreateWidgets1718000000000' },
      { name: 'AddWidgetColour1718000000001' },
    ]);
  });

  it('builds the template once per migration set and clones later databases from the same one', async () => {
    const db = await migrated();
    const template = templateDatabaseName(await migrationSetKey('orders', WIDGET_MIGRATIONS));
    const templateOid = () =>
      query<{ oid: number; datistemplate: boolean }>(
        db.server.adminUrl,
        'SELECT oid, datistemplate FROM pg_database WHERE datname = $1',
        [template],
      );
    const before = await templateOid();

    await migrated();

    expect(before).toEqual([{ oid: expect.any(Number), datistemplate: true }]);
    expect(await templateOid()).toEqual(before);
    const other = templateDatabaseName(await migrationSetKey('orders', [CreateWidgets1718000000000]));
    expect(other).not.toEqual(template);
  });

  it('builds a new template only once when parallel callers need it at the same time', async () => {
    const migrations = [freshMigration()];
    const server = await resolveTestServer();
    const template = templateDatabaseName(await migrationSetKey('kpi', migrations));

    const dbs = await Promise.all(
      [1, 2, 3].map(() =>
        createTestDatabase({ name: __filename, server, migrate: { schema: 'kpi', migrations } }),
      ),
    );
    created.push(...dbs);

    for (const db of dbs)
      expect(await db.dataSource.query('SELECT count(*)::int AS n FROM gadget')).toEqual([{ n: 0 }]);
    expect(await databaseExists(server, template)).toBe(true);
    await Promise.all(dbs.map((db) => db.drop()));
    await dropTemplate(server, template);
  });

  it('without migrate, gives an empty database the code under test can migrate itself', async () => {
    const db = await createTestDatabase({ name: 'plain label' });
    created.push(db);

    const schemas = await query<{ nspname: string }>(
      db.url,
      "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
    );

    expect(db.dataSource).toBeUndefined();
    expect(db.databaseName).toMatch(/^opsline_t_plain_label_/);
    expect(schemas).toEqual([{ nspname: 'public' }]);
  });

  it('drop closes the data source, ends connections still open and removes the database', async () => {
    const db = await migrated();
    const stillConnected = new Client({ connectionString: db.url });
    stillConnected.on('error', () => undefined);
    await stillConnected.connect();

    await db.drop();
    await db.drop();

    expect(db.dataSource.isInitialized).toBe(false);
    expect(await databaseExists(db.server, db.databaseName)).toBe(false);
    await expect(stillConnected.query('SELECT 1')).rejects.toThrow();
  });

  it('drops test databases older than a day and templates unused for a day, and keeps fresh ones', async () => {
    const server = await resolveTestServer();
    const old = testDatabaseName('leftover', 4242, Date.now() - 2 * DAY_MS, Math.random);
    const fresh = testDatabaseName('leftover', 4242, Date.now(), Math.random);
    const staleTemplate = templateDatabaseName(`stale${Date.now().toString(16)}`.slice(0, 16));
    await query(server.adminUrl, `CREATE DATABASE "${old}"`);
    await query(server.adminUrl, `CREATE DATABASE "${fresh}"`);
    await query(server.adminUrl, `CREATE DATABASE "${staleTemplate}" WITH IS_TEMPLATE true`);
    const lastUsedAt = new Date(Date.now() - 2 * DAY_MS).toISOString();
    await query(
      server.adminUrl,
      `COMMENT ON DATABASE "${staleTemplate}" IS '{"lastUsedAt":"${lastUsedAt}"}'`,
    );
    const client = new Client({ connectionString: server.adminUrl });
    await client.connect();

    const dropped = await dropLeftovers(client).finally(() => client.end());

    // Whether this sweep or another spec file's (each one's first test database sweeps) dropped the
    // leftovers, they must be gone; `dropped` names only what this sweep got to first.
    expect(dropped).not.toContain(fresh);
    expect(await databaseExists(server, old)).toBe(false);
    expect(await databaseExists(server, staleTemplate)).toBe(false);
    expect(await databaseExists(server, fresh)).toBe(true);
    expect(
      await databaseExists(server, templateDatabaseName(await migrationSetKey('orders', WIDGET_MIGRATIONS))),
    ).toBe(true);
    await query(server.adminUrl, `DROP DATABASE "${fresh}"`);
  });
});

describe('the test server', () => {
  it('is DATABASE_URL when set', async () => {
    const url = 'postgres://someone@db.example:5432/opsline';
    expect(await resolveTestServer({ env: { DATABASE_URL: url } })).toEqual({
      kind: 'database-url',
      adminUrl: url,
    });
  });

  it('falls back to one embedded PostgreSQL per jest worker when nothing answers locally', async () => {
    const nothingThere = { env: {}, localUrl: 'postgres://postgres@127.0.0.1:1/postgres' };

    const server = await resolveTestServer(nothingThere);
    const again = await resolveTestServer(nothingThere);
    const db = await createTestDatabase({ name: __filename, server, migrate });
    try {
      const [{ version }] = await query<{ version: string }>(db.url, 'SELECT version()');
      expect(server.kind).toBe('embedded');
      expect(again.adminUrl).toBe(server.adminUrl);
      expect(version).toMatch(/^PostgreSQL 18/);
      expect(existsSync(join(EMBEDDED_TEST_SERVER_DIR, `worker-${process.pid}`, 'PG_VERSION'))).toBe(true);
      expect(await db.dataSource.getRepository(WidgetEntity).count()).toBe(0);
      expect(withDatabaseName(server.adminUrl, db.databaseName)).toBe(db.url);
    } finally {
      await db.drop();
    }
  });
});
