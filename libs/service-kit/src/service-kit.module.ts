import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { domainTopicOf, ingestTopicOf, parseCloudEventBytes } from '@opsline/contracts';
import { createInboxRetentionIndexMigration, EventParser, MessagingModule } from '@opsline/messaging';
import { EntityClass, MigrationClass, runMigrations, serviceDataSourceOptions } from '@opsline/persistence';
import { CorrelationContext, PlatformMetrics, PlatformModule } from '@opsline/platform';
import { DatabaseServiceEnvironment } from './database-service-environment';
import { INBOX_RETENTION, InboxRetention, InboxRetentionSweep } from './inbox-retention.sweep';
import { DataSource } from 'typeorm';

/** What one opsline service is made of, beyond its own controllers and handlers. */
export interface ServiceKitOptions<E extends DatabaseServiceEnvironment> {
  readonly serviceName: 'orders' | 'returns' | 'inventory' | 'kpi';
  readonly environment: E;
  readonly entities: readonly EntityClass[];
  /** The service's migrations, the messaging tables' migration first. */
  readonly migrations: readonly MigrationClass[];
  /**
   * Schemas beyond the service's own whose inboxes `INBOX_RETENTION_HOURS` applies to, asked at
   * every retention run (the kpi service's read-model versions each hold their consumer group's).
   */
  readonly moreInboxSchemas?: InboxRetention['moreSchemas'];
}

/** What `--migrate-only` needs of a service: its schema, database and migrations. */
export interface ServiceMigrationPlan {
  readonly schema: string;
  readonly databaseUrl: string;
  readonly migrations: readonly MigrationClass[];
}

const migrationPlans = new WeakMap<object, ServiceMigrationPlan>();

/**
 * The migration plan of the {@link ServiceKitModule} imported (at any depth) by `root`, or undefined.
 * Lets `runService(…)` run only the migrations (a Kubernetes Job) without booting the service.
 */
export function migrationPlanOf(root: unknown): ServiceMigrationPlan | undefined {
  if (typeof root !== 'object' || root === null) return undefined;
  const plan = migrationPlans.get(root);
  if (plan !== undefined) return plan;
  const imports = (root as { imports?: unknown }).imports;
  if (!Array.isArray(imports)) return undefined;
  for (const imported of imports) {
    const found = migrationPlanOf(imported);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Events of the contract arrive through the one shared validator (libs/contracts). */
const parse: EventParser = (value) => parseCloudEventBytes(value) as ReturnType<EventParser>;

/**
 * The ground every service stands on, in one import: platform (config, auth, logs, health, metrics,
 * OpenAPI, shutdown), its own PostgreSQL schema with migrations run at start, and Kafka messaging
 * (outbox, ingest publisher, batch consumer with inbox and dead letters).
 */
@Module({})
export class ServiceKitModule {
  static forRoot<E extends DatabaseServiceEnvironment>(options: ServiceKitOptions<E>): DynamicModule {
    const databaseUrl = options.environment.DATABASE_URL;
    const schema = options.serviceName;
    const topicOfEventType = (eventType: string): string => {
      const topic = ingestTopicOf(eventType) ?? domainTopicOf(eventType);
      if (topic === undefined) throw new Error(`no topic is known for event type ${eventType}`);
      return topic;
    };
    // every schema gets the inbox's retention index, whatever its own migrations say
    const migrations = [...options.migrations, createInboxRetentionIndexMigration(schema)];
    const inboxRetention: InboxRetention = {
      schema,
      moreSchemas: options.moreInboxSchemas,
      retentionMs: options.environment.INBOX_RETENTION_HOURS * 3_600_000,
    };
    const dynamicModule: DynamicModule = {
      module: ServiceKitModule,
      providers: [{ provide: INBOX_RETENTION, useValue: inboxRetention }, InboxRetentionSweep],
      imports: [
        PlatformModule.forRoot({ serviceName: options.serviceName, environment: options.environment }),
        TypeOrmModule.forRootAsync({
          useFactory: () =>
            serviceDataSourceOptions({
              url: databaseUrl,
              schema,
              entities: options.entities,
              migrations,
            }),
          dataSourceFactory: async (dataSourceOptions) => {
            const dataSource = new DataSource(dataSourceOptions as NonNullable<typeof dataSourceOptions>);
            await runMigrations(dataSource);
            return dataSource;
          },
        }),
        MessagingModule.forRoot({
          serviceName: options.serviceName,
          schema,
          databaseUrl,
          kafkaBrokers: options.environment.KAFKA_BROKERS,
          topicOfEventType,
          parse,
          // Log lines of a handler carry the correlation id the event was sent with (else its own id).
          handlerScope: (event, run) => CorrelationContext.run(event.correlationid ?? event.id, run),
          metrics: {
            inject: [PlatformMetrics],
            useFactory: (metrics: PlatformMetrics) => ({
              onLag: (topic, partition, lag) =>
                metrics.consumerLag.set(
                  { topic, partition: String(partition), group: `opsline-${schema}` },
                  lag,
                ),
              onOutboxBacklog: (pending) => metrics.outboxBacklog.set({ service: schema }, pending),
              onDeadLetter: (topic, reason) => metrics.deadLetters.inc({ topic, reason }),
            }),
          },
        }),
      ],
    };
    migrationPlans.set(dynamicModule, { schema, databaseUrl, migrations });
    return dynamicModule;
  }
}
