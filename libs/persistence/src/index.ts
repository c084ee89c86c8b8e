export {
  DATABASE_URL_VARIABLE,
  databaseNameOf,
  redactDatabaseUrl,
  resolveDatabaseUrl,
  withDatabaseName,
} from './database-url';
export { createServiceDataSource, runMigrations, serviceDataSourceOptions } from './data-source';
export type { EntityClass, MigrationClass, ServiceDataSourceConfig } from './data-source';
export { startEmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgresOptions, RunningEmbeddedPostgres } from './embedded-postgres';
export { jsonLogger, silentLogger } from './logger';
export { copyRowsInto, copyTextRow } from './copy';
export type { CopyField } from './copy';
export { arrayLiteral } from './sql';
export type { ArrayElement } from './sql';
export type { PersistenceLogger } from './logger';
export {
  isRetryableTransactionError,
  retryDelayMs,
  TransactionRunner,
  transactionRunnerProvider,
} from './transaction';
export type {
  IsolationLevel,
  TransactionOptions,
  TransactionRetry,
  TransactionRunnerOptions,
} from './transaction';
