// Test helpers: import from '@opsline/persistence/testing' in specs only, never from service code.
export { createTestDatabase, dropLeftovers, ensureTemplate } from './test-database';
export type {
  MigratedTestDatabase,
  TestDatabase,
  TestDatabaseOptions,
  TestMigrations,
} from './test-database';
export { answers, EMBEDDED_TEST_SERVER_DIR, LOCAL_TEST_SERVER_URL, resolveTestServer } from './test-server';
export type { ResolveTestServerOptions, TestServer } from './test-server';
