import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPlatformApp, loadConfig } from '@opsline/platform';
import { DatabaseServiceEnvironment } from '../database-service-environment';

/** How to build one service for a medium test. */
export interface ServiceUnderTest<E extends DatabaseServiceEnvironment> {
  readonly name: string;
  readonly Environment: new () => E;
  readonly module: (environment: E) => DynamicModule;
}

/**
 * Boots a service the way main.ts does, but without listening (use `app.inject`) and without
 * signal handlers, on the given database and broker. Close it with `app.close()`.
 */
export async function startServiceForTest<E extends DatabaseServiceEnvironment>(
  service: ServiceUnderTest<E>,
  vars: { DATABASE_URL: string; KAFKA_BROKERS: string } & Record<string, string>,
): Promise<NestFastifyApplication> {
  const environment = loadConfig(service.Environment, { LOG_LEVEL: 'error', ...vars });
  const { app } = await createPlatformApp({
    name: service.name,
    rootModule: service.module(environment),
    environment,
    handleSignals: false,
  });
  return app;
}
