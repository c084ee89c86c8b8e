import { DataSource, MigrationExecutor } from 'typeorm';
import type { EntitySchema, LoggerOptions, MigrationInterface } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { Client } from 'pg';
import { ADVISORY_LOCK_NAMESPACE, quoteIdentifier } from './sql';

/** A TypeORM entity class (decorated with `@Entity`). */
export type EntityClass = abstract new (...args: never[]) => object;

/** A TypeORM migration class; its name ends in a 13-digit timestamp, e.g. `CreateOrders1718000000000`. */
export type MigrationClass = new () => MigrationInterface;

/** What one service's data source needs. */
export interface ServiceDataSourceConfig {
  /** `postgres://…` URL of the shared database (query parameters such as `sslmode` are honoured). */
  url: string;
  /** The schema the service owns: `orders`, `returns`, `inventory` or `kpi`. Lower-case identifier. */
  schema: string;
  entities: readonly (EntityClass | EntitySchema)[];
  migrations: readonly MigrationClass[];
  /** TypeORM logging; default only errors. */
  logging?: LoggerOptions;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /** `application_name` shown in `pg_stat_activity`; default the schema name (= the service name). */
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The pool's connection class. When the server ends a session (restart, `pg_terminate_backend`), pg can
 * emit 'error' twice for it (the FATAL message, then the closed socket); TypeORM stops listening after
 * the first, when it discards the connection, and an 'error' event nobody listens to ends the process.
 * The running query already failed with the first error, so the late one is dropped here.
 */
export class PooledConnection extends Client {
  constructor(config?: ConstructorParameters<typeof Client>[0]) {
    super(config);
    this.on('error', () => undefined);
  }
}

function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`schema must be a lower-case PostgreSQL identifier ([a-z_][a-z0-9_]*), got "${schema}"`);
  }
}

/**
 * TypeORM options for a service's data source, for `TypeOrmModule.forRoot(…)` or `new DataSource(…)`.
 * Entities and the `migrations` table live in the service's schema; `search_path` is `<schema>, public`
 * so raw SQL in migrations and repositories needs no schema prefix; `synchronize` is always off.
 */
export function serviceDataSourceOptions(config: ServiceDataSourceConfig): PostgresConnectionOptions {
  assertSchemaName(config.schema);
  return {
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    entities: [...config.entities],
    migrations: [...config.migrations],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    migrationsRun: false,
    synchronize: false,
    logging: config.logging ?? ['error'],
    applicationName: config.applicationName ?? config.schema,
    poolSize: config.poolSize ?? 10,
    // A libpq startup option, so every pooled connection has it from its first statement on.
    extra: { options: `-c search_path=${config.schema},public`, Client: PooledConnection },
  };
}

/**
 * A TypeORM `DataSource` for one service's schema (not yet initialised; `runMigrations` or
 * `initialize()` connects it). See {@link serviceDataSourceOptions} for what it is configured with.
 */
export function createServiceDataSource(config: ServiceDataSourceConfig): DataSource {
  return new DataSource(serviceDataSourceOptions(config));
}

function schemaOf(dataSource: DataSource): string {
  const { schema } = dataSource.options as PostgresConnectionOptions;
  if (dataSource.options.type !== 'postgres' || !schema) {
    throw new Error('runMigrations needs a postgres data source with a schema (see createServiceDataSource)');
  }
  return schema;
}

/**
 * Creates the data source's schema if missing and runs its pending migrations in one transaction;
 * returns the names of the migrations it ran (empty when the schema is up to date). Initialises the
 * data source if needed.
 *
 * Safe when several instances of a service start at once: everything happens under a session-level
 * advisory lock keyed by the schema name, so the second instance waits, then finds nothing pending.
 * (`CREATE SCHEMA IF NOT EXISTS` alone is not: two concurrent ones can fail on a unique index.)
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const schema = schemaOf(dataSource);
  if (!dataSource.isInitialized) await dataSource.initialize();
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  try {
    await queryRunner.query('SELECT pg_advisory_lock($1, hashtext($2))', [ADVISORY_LOCK_NAMESPACE, schema]);
    let failure: unknown;
    try {
      await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      // The executor gets our query runner, so the migrations run on the connection holding the lock
      // (and a pool of one connection is enough).
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = 'all';
      const executed = await executor.executePendingMigrations();
      return executed.map((migration) => migration.name);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      await queryRunner
        .query('SELECT pg_advisory_unlock($1, hashtext($2))', [ADVISORY_LOCK_NAMESPACE, schema])
        .catch((unlockError: unknown) => {
          // Releasing the connection below ends the lock anyway; keep the migration's own error.
          if (failure === undefined) throw unlockError;
        });
    }
  } finally {
    await queryRunner.release();
  }
}
