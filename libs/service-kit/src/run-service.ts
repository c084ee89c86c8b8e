import 'reflect-metadata';
import { DynamicModule, Type } from '@nestjs/common';
import { createServiceDataSource, runMigrations } from '@opsline/persistence';
import {
  bootstrapService,
  createPlatformLogger,
  loadConfigOrExit,
  ServiceEnvironment,
} from '@opsline/platform';
import { migrationPlanOf } from './service-kit.module';

/** `node main.js --migrate-only`: run the service's pending migrations, then exit (a Kubernetes Job). */
export const MIGRATE_ONLY_FLAG = '--migrate-only';

/**
 * A service's main.ts in one call: validate the environment (exit naming each bad variable),
 * build the root module from it, and serve until SIGTERM/SIGINT, which drains and exits.
 * With {@link MIGRATE_ONLY_FLAG} in `argv` it only runs the migrations (under the same advisory lock
 * the service takes at start) and exits 0, or 1 naming the failure.
 */
export async function runService<E extends ServiceEnvironment>(
  serviceName: string,
  Environment: new () => E,
  rootModule: (environment: E) => Type<unknown> | DynamicModule,
  argv: readonly string[] = process.argv,
): Promise<void> {
  const environment = loadConfigOrExit(Environment, { serviceName });
  const module = rootModule(environment);
  if (argv.includes(MIGRATE_ONLY_FLAG)) {
    process.exitCode = await migrateOnly(serviceName, module, environment.LOG_LEVEL);
    return;
  }
  await bootstrapService({ name: serviceName, rootModule: module, environment });
}

/** Runs the pending migrations of the service's schema; returns the process exit code. */
export async function migrateOnly(
  serviceName: string,
  rootModule: Type<unknown> | DynamicModule,
  level: ServiceEnvironment['LOG_LEVEL'] = 'info',
): Promise<number> {
  const logger = createPlatformLogger({ serviceName, level });
  const plan = migrationPlanOf(rootModule);
  if (plan === undefined) {
    logger.fatal(`${MIGRATE_ONLY_FLAG}: ${serviceName} imports no ServiceKitModule, so it has no migrations`);
    return 1;
  }
  const dataSource = createServiceDataSource({
    url: plan.databaseUrl,
    schema: plan.schema,
    entities: [],
    migrations: plan.migrations,
    poolSize: 1,
    applicationName: `${plan.schema}-migrations`,
  });
  try {
    const executed = await runMigrations(dataSource);
    logger.info({ schema: plan.schema, executed }, `migrations done: ${executed.length} ran`);
    return 0;
  } catch (error) {
    logger.fatal({ err: error, schema: plan.schema }, 'migrations failed');
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}
