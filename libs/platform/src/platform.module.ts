import {
  type DynamicModule,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
  RequestMethod,
  type Type,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, DiscoveryModule, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { ApiKeyAuthenticator } from './auth/api-key-authenticator';
import { ApiKeyTable, DEV_API_KEY } from './auth/api-key-table';
import { ApiKeyGuard } from './auth/api-key.guard';
import { RateLimiter } from './auth/rate-limiter';
import { ServiceEnvironment } from './config/service-environment';
import { PlatformExceptionFilter } from './errors/platform-exception.filter';
import { createPlatformValidationPipe } from './errors/validation.pipe';
import { DatabaseHealthIndicator, type PingableDataSource } from './health/database-health.indicator';
import { HealthController } from './health/health.controller';
import { KafkaHealthIndicator } from './health/kafka-health.indicator';
import { ReadinessChecks } from './health/readiness-checks';
import { createPlatformLogger, httpLoggingOptions } from './logging/platform-logger';
import { PlatformNestLogger } from './logging/platform-nest-logger';
import { MetricsController } from './metrics/metrics.controller';
import { createMetricsRegistry, MetricsRegistry, PlatformMetrics } from './metrics/platform-metrics';
import { PLATFORM_LOGGER, PLATFORM_OPTIONS, type PlatformModuleOptions } from './platform-options';
import type { Registry } from 'prom-client';

/**
 * Everything a service boots with, as one global module: JSON logging with correlation ids, the API key
 * guard, the error filter and validation pipe, `/health/live`, `/health/ready`, `/metrics`, the
 * metrics registry and the validated environment. A service's root module imports
 * `PlatformModule.forRoot({ serviceName, environment })`; `bootstrapService` does the HTTP side.
 */
@Module({})
export class PlatformModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Platform');

  constructor(
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformModuleOptions,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly readiness: ReadinessChecks,
    private readonly kafkaHealth: KafkaHealthIndicator,
    private readonly databaseHealth: DatabaseHealthIndicator,
  ) {}

  /** The module for one service; see {@link PlatformModuleOptions}. */
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { environment } = options;
    const logger = createPlatformLogger({
      serviceName: options.serviceName,
      level: environment.LOG_LEVEL,
      destination: options.logDestination,
    });
    // Injectable as ServiceEnvironment and as the service's own subclass.
    const environmentTokens = [
      ...new Set<Type<unknown>>([ServiceEnvironment, environment.constructor as Type<unknown>]),
    ];
    const environmentProviders: Provider[] = environmentTokens.map((token) => ({
      provide: token,
      useValue: environment,
    }));
    return {
      module: PlatformModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: httpLoggingOptions(logger),
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
        TerminusModule.forRoot({ logger: false }),
        DiscoveryModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PLATFORM_OPTIONS, useValue: options },
        { provide: PLATFORM_LOGGER, useValue: logger },
        { provide: PlatformNestLogger, useValue: new PlatformNestLogger(logger) },
        ...environmentProviders,
        {
          provide: ApiKeyAuthenticator,
          useValue: new ApiKeyAuthenticator(ApiKeyTable.fromEnvironment(environment.OPSLINE_API_KEYS)),
        },
        {
          provide: RateLimiter,
          useValue: new RateLimiter({
            ratePerSecond: environment.HTTP_RATE_LIMIT_PER_SECOND,
            burst: environment.HTTP_RATE_LIMIT_BURST,
          }),
        },
        { provide: MetricsRegistry, useFactory: createMetricsRegistry },
        {
          provide: PlatformMetrics,
          useFactory: (registry: Registry) => new PlatformMetrics(registry),
          inject: [MetricsRegistry],
        },
        {
          provide: KafkaHealthIndicator,
          useFactory: (indicators: HealthIndicatorService) =>
            new KafkaHealthIndicator(indicators, {
              brokers: environment.KAFKA_BROKERS,
              clientId: `${options.serviceName}-health`,
              timeoutMs: options.kafkaHealthTimeoutMs,
            }),
          inject: [HealthIndicatorService],
        },
        {
          provide: DatabaseHealthIndicator,
          useFactory: (indicators: HealthIndicatorService, moduleRef: ModuleRef) =>
            new DatabaseHealthIndicator(indicators, () => findDataSource(moduleRef)),
          inject: [HealthIndicatorService, ModuleRef],
        },
        { provide: ReadinessChecks, useFactory: () => new ReadinessChecks() },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        {
          provide: APP_FILTER,
          useFactory: (host: HttpAdapterHost) =>
            new PlatformExceptionFilter(host, environment.HTTP_BODY_LIMIT_BYTES),
          inject: [HttpAdapterHost],
        },
        { provide: APP_PIPE, useFactory: createPlatformValidationPipe },
      ],
      exports: [
        PLATFORM_OPTIONS,
        PLATFORM_LOGGER,
        PlatformNestLogger,
        ...environmentTokens,
        ApiKeyAuthenticator,
        MetricsRegistry,
        PlatformMetrics,
        KafkaHealthIndicator,
        DatabaseHealthIndicator,
        ReadinessChecks,
      ],
    };
  }

  onApplicationBootstrap(): void {
    if (this.databaseHealth.isConfigured()) {
      this.readiness.add('database', () => this.databaseHealth.isHealthy('database'));
    }
    this.readiness.add('kafka', () => this.kafkaHealth.isHealthy('kafka'));
    if (this.authenticator.isDevDefault) {
      this.logger.warn(
        `!!! OPSLINE_API_KEYS is not set: ${this.options.serviceName} accepts the documented development key ` +
          `"Authorization: Bearer ${DEV_API_KEY}" with EVERY scope. Anyone who can reach this port can do ` +
          'anything. Set OPSLINE_API_KEYS before exposing it (NODE_ENV=production refuses to start without). !!!',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.kafkaHealth.close();
  }
}

/** The application's TypeORM DataSource, if one is registered anywhere. */
function findDataSource(moduleRef: ModuleRef): PingableDataSource | undefined {
  try {
    return moduleRef.get(DataSource, { strict: false });
  } catch {
    return undefined;
  }
}
