import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Kafka, Partitioners } from 'kafkajs';
import { createKafkaClient } from '../kafka/kafka-client';
import { nestMessagingLogger } from '../messaging-logger';
import { IngestPublisher } from '../ingest/ingest-publisher';
import { Outbox } from '../outbox/outbox';
import { MessagingLifecycle } from './messaging.lifecycle';
import {
  KAFKA_CLIENT,
  KAFKA_PRODUCER,
  MESSAGING_METRICS,
  MESSAGING_OPTIONS,
  MessagingMetrics,
  MessagingModuleOptions,
} from './messaging.options';

/**
 * Kafka for a service: `Outbox` (write events in your transaction), `IngestPublisher` (HTTP twins),
 * and @OnEvent handlers consumed in batches with inbox, retries and dead letters. Needs a TypeORM
 * `DataSource` provider in the application.
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: MESSAGING_METRICS,
          useFactory: options.metrics?.useFactory ?? ((): MessagingMetrics => ({})),
          inject: options.metrics?.inject ?? [],
        },
        {
          provide: KAFKA_CLIENT,
          useFactory: () =>
            createKafkaClient({
              brokers: options.kafkaBrokers,
              clientId: `opsline-${options.serviceName}`,
              logger: nestMessagingLogger('kafkajs'),
            }),
        },
        {
          provide: KAFKA_PRODUCER,
          // One in flight keeps per-partition order through retries (no idempotent producer here).
          useFactory: (kafka: Kafka) =>
            kafka.producer({
              maxInFlightRequests: 1,
              allowAutoTopicCreation: true,
              createPartitioner: Partitioners.DefaultPartitioner,
            }),
          inject: [KAFKA_CLIENT],
        },
        { provide: Outbox, useValue: new Outbox(options.schema) },
        {
          provide: IngestPublisher,
          useFactory: (producer) => new IngestPublisher(producer),
          inject: [KAFKA_PRODUCER],
        },
        MessagingLifecycle,
      ],
      exports: [Outbox, IngestPublisher, KAFKA_CLIENT, KAFKA_PRODUCER],
    };
  }
}
