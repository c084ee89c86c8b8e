import { Client } from 'pg';
import type { DataSource, EntitySchema, LoggerOptions } from 'typeorm';
import { createServiceDataSource, EntityClass, MigrationClass, runMigrations } from '../data-source';
import { withDatabaseName } from '../database-url';
import { ADVISORY_LOCK_NAMESPACE, quoteIdentifier, sqlStateOf } from '../sql';
import {
  DatabaseRow,
  migrationSetKey,
  selectLeftovers,
  TEMPLATE_DATABASE_PREFIX,
  templateComment,
  templateDatabaseName,
  templateLastUsedAt,
  TEST_DATABASE_PREFIX,
  testDatabaseName,
} from './test-database-names';
import { resolveTestServer, TestServer } from './test-server';

/** The schema and migrations a test database is created with (cloned from a template built once). */
export interface TestMigrations {
  schema: string;
  migrations: readonly MigrationClass[];
  /** Entities of the returned `dataSource`; not needed to migrate. */
  entities?: readonly (EntityClass | EntitySchema)[];
}

/** Options of {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** Names the database; pass `__filename`. */
  name: string;
  /** Clone from a template with these migrations applied, and return a connected `dataSource`. */
  migrate?: TestMigrations;
  /** Pool size of `dataSource`; default 4. */
  poolSize?: number;
  /** TypeORM logging of `dataSource`; default off (failing queries still reject). */
  logging?: LoggerOptions;
  /** Server to use; default {@link resolveTestServer}(). */
  server?: TestServer;
}

/** A database of one spec file's own. */
export interface TestDatabase {
  /** e.g. `opsline_t_order_flow_4711_t5x2ab_9f3k` */
  readonly databaseName: string;
  /** URL of this database (give it to the code under test as DATABASE_URL). */
  readonly url: string;
  readonly server: TestServer;
  /** Connected data source for `migrate.schema`, when `migrate` was given. */
  readonly dataSource?: DataSource;
  /** Closes `dataSource`, terminates other connections and drops the database. Idempotent. */
  drop(): Promise<void>;
}

/** A {@link TestDatabase} created with `migrate`, so `dataSource` is there. */
export interface MigratedTestDatabase extends TestDatabase {
  readonly dataSource: DataSource;
}

const LEFTOVER_AGE_MS = 24 * 60 * 60 * 1000;
// Rewriting a template's comment on every clone would make parallel workers contend on it.
const TOUCH_TEMPLATE_AFTER_MS = 60 * 60 * 1000;

let leftoversSwept: Promise<void> | undefined;

/**
 * Creates a database for one spec file on the test server: empty, or — with `migrate` — cloned with
 * `CREATE DATABASE … TEMPLATE` from a template that has the migrations applied. The template is
 * built once per migration set under an advisory lock (parallel workers wait for the first), and
 * reused by later runs while the set is unchanged. The first call in a spec file also drops test
 * databases older than a day and templates unused for a day.
 *
 * ```ts
 * let db: MigratedTestDatabase;
 * beforeAll(async () => (db = await createTestDatabase({ name: __filename, migrate: { schema, migrations, entities } })));
 * afterAll(() => db.drop());
 * ```
 */
export function createTestDatabase(
  options: TestDatabaseOptions & { migrate: TestMigrations },
): Promise<MigratedTestDatabase>;
export function createTestDatabase(options: TestDatabaseOptions): Promise<TestDatabase>;
export async function createTestDatabase(options: TestDatabaseOptions): Promise<TestDatabase> {
  const server = options.server ?? (await resolveTestServer());
  const databaseName = testDatabaseName(options.name, process.pid, Date.now(), Math.random);
  await withAdminClient(server.adminUrl, async (client) => {
    leftoversSwept ??= dropLeftovers(client).then(
      () => undefined,
      () => undefined, // best effort: never fails a test
    );
    await leftoversSwept;
    if (options.migrate) await cloneTemplate(client, server.adminUrl, options.migrate, databaseName);
    else await client.query(`CREATE DATABASE ${quoteIdentifier(databaseName)}`);
  });
  const url = withDatabaseName(server.adminUrl, databaseName);
  let dataSource: DataSource | undefined;
  if (options.migrate) {
    dataSource = createServiceDataSource({
      url,
      schema: options.migrate.schema,
      entities: options.migrate.entities ?? [],
      migrations: options.migrate.migrations,
      poolSize: options.poolSize ?? 4,
      logging: options.logging ?? false,
    });
    await dataSource.initialize().catch(async (error: unknown) => {
      await dropTestDatabase(server.adminUrl, databaseName).catch(() => undefined);
      throw error;
    });
  }
  let dropped: Promise<void> | undefined;
  return {
    databaseName,
    url,
    server,
    dataSource,
    drop: () => (dropped ??= dropTestDatabase(server.adminUrl, databaseName, dataSource)),
  };
}

async function dropTestDatabase(
  adminUrl: string,
  databaseName: string,
  dataSource?: DataSource,
): Promise<void> {
  if (dataSource?.isInitialized) await dataSource.destroy();
  // WITH (FORCE) (PostgreSQL ≥ 13) terminates the remaining connections, e.g. of the code under test.
  await withAdminClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(databaseName)} WITH (FORCE)`),
  );
}

async function withAdminClient<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, application_name: 'opsline-test-database' });
  client.on('error', () => undefined); // e.g. the server shutting down between two spec files
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function cloneTemplate(
  client: Client,
  adminUrl: string,
  migrate: TestMigrations,
  databaseName: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const template = await ensureTemplate(client, adminUrl, migrate);
    try {
      await client.query(
        `CREATE DATABASE ${quoteIdentifier(databaseName)} TEMPLATE ${quoteIdentifier(template)}`,
      );
      return;
    } catch (error) {
      // 3D000: another run's leftover sweep dropped the template between our check and the clone.
      if (sqlStateOf(error) !== '3D000' || attempt >= 2) throw error;
    }
  }
}

async function templateRow(client: Client, template: string): Promise<DatabaseRow | undefined> {
  const result = await client.query<DatabaseRow>(
    `SELECT datname, datistemplate, shobj_description(oid, 'pg_database') AS comment
       FROM pg_database WHERE datname = $1`,
    [template],
  );
  return result.rows[0];
}

/** Returns the name of a finished template for `migrate`, building it if no run has yet. */
export async function ensureTemplate(
  client: Client,
  adminUrl: string,
  migrate: TestMigrations,
): Promise<string> {
  const template = templateDatabaseName(await migrationSetKey(migrate.schema, migrate.migrations));
  const existing = await templateRow(client, template);
  if (existing?.datistemplate) {
    await touchTemplate(client, existing);
    return template;
  }
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [ADVISORY_LOCK_NAMESPACE, template]);
  try {
    const current = await templateRow(client, template);
    if (current?.datistemplate) return template; // another worker built it while we waited
    // Only a finished build marks the database as a template: this one is half-built by a killed run.
    if (current) await client.query(`DROP DATABASE ${quoteIdentifier(template)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdentifier(template)}`);
    await migrateTemplate(withDatabaseName(adminUrl, template), migrate).catch(async (error: unknown) => {
      await client
        .query(`DROP DATABASE IF EXISTS ${quoteIdentifier(template)} WITH (FORCE)`)
        .catch(() => undefined);
      throw error;
    });
    // No connections allowed: CREATE DATABASE … TEMPLATE fails while anyone is connected to it.
    await client.query(
      `ALTER DATABASE ${quoteIdentifier(template)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`,
    );
    await client.query(
      `COMMENT ON DATABASE ${quoteIdentifier(template)} IS ${client.escapeLiteral(templateComment(Date.now()))}`,
    );
    return template;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [ADVISORY_LOCK_NAMESPACE, template]);
  }
}

async function migrateTemplate(url: string, migrate: TestMigrations): Promise<void> {
  const dataSource = createServiceDataSource({
    url,
    schema: migrate.schema,
    entities: [],
    migrations: migrate.migrations,
    poolSize: 1,
    logging: false,
    applicationName: 'opsline-test-template',
  });
  try {
    await runMigrations(dataSource);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

async function touchTemplate(client: Client, row: DatabaseRow): Promise<void> {
  const lastUsedAt = templateLastUsedAt(row.comment) ?? 0;
  if (Date.now() - lastUsedAt < TOUCH_TEMPLATE_AFTER_MS) return;
  await client
    .query(
      `COMMENT ON DATABASE ${quoteIdentifier(row.datname)} IS ${client.escapeLiteral(templateComment(Date.now()))}`,
    )
    .catch(() => undefined); // "tuple concurrently updated" when two workers touch it at once
}

/**
 * Drops test databases created more than a day ago and templates unused for a day (see
 * `selectLeftovers`). Each template is dropped only if its build lock is free.
 */
export async function dropLeftovers(client: Client, nowMs: number = Date.now()): Promise<string[]> {
  const { rows } = await client.query<DatabaseRow>(
    `SELECT datname, datistemplate, shobj_description(oid, 'pg_database') AS comment
       FROM pg_database WHERE starts_with(datname, $1) OR starts_with(datname, $2)`,
    [TEST_DATABASE_PREFIX, TEMPLATE_DATABASE_PREFIX],
  );
  const { databases, templates } = selectLeftovers(rows, nowMs, LEFTOVER_AGE_MS);
  const dropped: string[] = [];
  for (const database of databases) {
    const result = await client
      .query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`)
      .catch(() => undefined); // e.g. another worker's sweep got there first
    if (result) dropped.push(database);
  }
  for (const template of templates) {
    const lock = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked',
      [ADVISORY_LOCK_NAMESPACE, template],
    );
    if (!lock.rows[0]?.locked) continue;
    try {
      await client.query(`ALTER DATABASE ${quoteIdentifier(template)} WITH IS_TEMPLATE false`);
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(template)} WITH (FORCE)`);
      dropped.push(template);
    } catch {
      // Dropped concurrently, or rebuilt in between; the next sweep looks again.
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [ADVISORY_LOCK_NAMESPACE, template]);
    }
  }
  return dropped;
}
