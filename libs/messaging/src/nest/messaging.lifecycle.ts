import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { BatchConsumer } from '../consumer/batch-consumer';
import { EventBatchHandlerFn, EventHandlerFn, RunPreparerFn } from '../consumer/consumed-event';
import { DeadLetterPublisher } from '../consumer/dead-letter-publisher';
import { OutboxRelay } from '../outbox/outbox-relay';
import { nestMessagingLogger } from '../messaging-logger';
import { BEFORE_RUN_METADATA, ON_EVENT_BATCH_METADATA, ON_EVENT_METADATA } from './on-event.decorator';
import {
  KAFKA_CLIENT,
  KAFKA_PRODUCER,
  MESSAGING_METRICS,
  MESSAGING_OPTIONS,
  MessagingMetrics,
  MessagingModuleOptions,
} from './messaging.options';

/**
 * Starts the producer, the outbox relay and (when the service has @OnEvent handlers) the batch
 * consumer at bootstrap; at shutdown finishes the batch in flight, drains the outbox, disconnects.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private relay: OutboxRelay | null = null;
  private consumer: BatchConsumer | null = null;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(MESSAGING_METRICS) private readonly metrics: MessagingMetrics,
    private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const log = nestMessagingLogger('Messaging');
    await this.producer.connect();
    this.relay = new OutboxRelay({
      databaseUrl: this.options.databaseUrl,
      schema: this.options.schema,
      producer: this.producer,
      logger: log,
      onBacklog: this.metrics.onOutboxBacklog,
    });
    await this.relay.start();
    const { handlers, batchHandlers } = this.discoverHandlers();
    const eventTypes = [...handlers.keys(), ...batchHandlers.keys()];
    if (eventTypes.length === 0) return;
    const topics = [...new Set(eventTypes.map((type) => this.options.topicOfEventType(type)))];
    this.consumer = new BatchConsumer({
      kafka: this.kafka,
      groupId: this.options.consumerGroup ?? `opsline-${this.options.serviceName}`,
      topics,
      handlers,
      batchHandlers,
      beforeRun: this.discoverRunPreparer(),
      dataSource: this.dataSource,
      schema: this.options.schema,
      parse: this.options.parse,
      deadLetters: new DeadLetterPublisher(this.producer, log, this.metrics.onDeadLetter),
      logger: log,
      retry: this.options.retry,
      maxWaitTimeMs: this.options.consumerMaxWaitTimeMs,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      onLag: this.metrics.onLag,
    });
    await this.consumer.start();
    this.logger.log({ msg: 'consuming', topics, eventTypes });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.relay?.stop(this.options.outboxDrainTimeoutMs ?? 5000);
    await this.producer.disconnect();
  }

  /** Every @OnEvent and @OnEventBatch method of every provider, by event type; two for one type is a bug. */
  private discoverHandlers(): {
    handlers: Map<string, EventHandlerFn>;
    batchHandlers: Map<string, EventBatchHandlerFn>;
  } {
    const handlers = new Map<string, EventHandlerFn>();
    const batchHandlers = new Map<string, EventBatchHandlerFn>();
    const scope = this.options.handlerScope;
    for (const { instance, method, eventType, batched } of this.decoratedMethods()) {
      if (handlers.has(eventType) || batchHandlers.has(eventType))
        throw new Error(`two handlers for ${eventType}`);
      if (batched) {
        const handle = (method as EventBatchHandlerFn).bind(instance);
        batchHandlers.set(
          eventType,
          scope === undefined ? handle : (events, context) => scope(events[0], () => handle(events, context)),
        );
      } else {
        const handle = (method as EventHandlerFn).bind(instance);
        handlers.set(
          eventType,
          scope === undefined ? handle : (event, context) => scope(event, () => handle(event, context)),
        );
      }
    }
    return { handlers, batchHandlers };
  }

  /** The @BeforeRun method, if a provider has one; two is a bug. */
  private discoverRunPreparer(): RunPreparerFn | undefined {
    const found = [...this.providerMethods()].filter(({ method }) =>
      this.reflector.get<boolean | undefined>(BEFORE_RUN_METADATA, method),
    );
    if (found.length > 1) throw new Error('two @BeforeRun methods');
    if (found.length === 0) return undefined;
    return (found[0].method as RunPreparerFn).bind(found[0].instance);
  }

  private *decoratedMethods(): Generator<{
    instance: object;
    method: () => unknown;
    eventType: string;
    batched: boolean;
  }> {
    for (const { instance, method } of this.providerMethods()) {
      const single = this.reflector.get<string | undefined>(ON_EVENT_METADATA, method);
      const batched = this.reflector.get<string | undefined>(ON_EVENT_BATCH_METADATA, method);
      if (single !== undefined) yield { instance, method, eventType: single, batched: false };
      if (batched !== undefined) yield { instance, method, eventType: batched, batched: true };
    }
  }

  private *providerMethods(): Generator<{ instance: object; method: () => unknown }> {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance === null || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[name];
        if (typeof method === 'function') yield { instance, method: method as () => unknown };
      }
    }
  }
}
