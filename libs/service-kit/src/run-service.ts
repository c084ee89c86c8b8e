import 'reflect-metadata';
import { DynamicModule, Type } from '@nestjs/common';
import { bootstrapService, loadConfigOrExit, ServiceEnvironment } from '@opsline/platform';

/**
 * A service's main.ts in one call: validate the environment (exit naming each bad variable),
 * build the root module from it, and serve until SIGTERM/SIGINT, which drains and exits.
 */
export async function runService<E extends ServiceEnvironment>(
  serviceName: string,
  Environment: new () => E,
  rootModule: (environment: E) => Type<unknown> | DynamicModule,
): Promise<void> {
  const environment = loadConfigOrExit(Environment, { serviceName });
  await bootstrapService({ name: serviceName, rootModule: rootModule(environment), environment });
}
