import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  INGEST_TOPIC_EVENT_TYPES,
  INGEST_WAREHOUSE_TOPIC,
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
  ORDERS_ORDER_SHIPPED_V1,
  ORDERS_TOPIC,
  parseCloudEventBytes,
} from '@opsline/contracts';
import {
  BatchConsumer,
  DeadLetterPublisher,
  EventBatchHandlerFn,
  EventParser,
  KAFKA_CLIENT,
  KAFKA_PRODUCER,
  nestMessagingLogger,
} from '@opsline/messaging';
import { CorrelationContext, PlatformMetrics } from '@opsline/platform';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ALERT_CLOCK } from '../../application/evaluate-alerts.use-case';
import { RecordAlertFeedsUseCase } from '../../application/record-alert-feeds.use-case';
import type { Clock } from '../../domain/alerts/alert';
import { KPI_SCHEMA } from '../kpi-tables';
import { AlertRepository } from './alert.repository';
import { ALERTS_CONSUMER_GROUP } from './alert-tables';

const parse: EventParser = (value) => parseCloudEventBytes(value) as ReturnType<EventParser>;

/**
 * The warehouse-feed monitor's Kafka edge: its own consumer group (not a read-model version's, so a
 * rebuild neither replays nor resets it) on the warehouse feed and the orders topic, writing through
 * {@link RecordAlertFeedsUseCase} in the consumer's transaction.
 */
@Injectable()
export class AlertFeedsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AlertFeeds');
  private consumer: BatchConsumer | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    private readonly metrics: PlatformMetrics,
    private readonly alerts: AlertRepository,
    @Inject(ALERT_CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const record = new RecordAlertFeedsUseCase(this.alerts, this.clock);
    const scoped =
      (handle: EventBatchHandlerFn): EventBatchHandlerFn =>
      (events, context) =>
        CorrelationContext.run(events[0].correlationid ?? events[0].id, () => handle(events, context));
    const heard = scoped((events, { manager }) => record.warehouseEventsHeard(manager, events));
    const allocated = scoped((events, { manager }) => record.ordersAllocated(manager, events));
    const shipped = scoped((events, { manager }) => record.shipmentsRecorded(manager, events));
    const log = nestMessagingLogger('Messaging');
    this.consumer = new BatchConsumer({
      kafka: this.kafka,
      groupId: ALERTS_CONSUMER_GROUP,
      topics: [INGEST_WAREHOUSE_TOPIC, ORDERS_TOPIC],
      handlers: new Map(),
      batchHandlers: new Map<string, EventBatchHandlerFn>([
        ...INGEST_TOPIC_EVENT_TYPES[INGEST_WAREHOUSE_TOPIC].map((type) => [type, heard] as const),
        [ORDERS_ORDER_ALLOCATED_V1, allocated],
        [ORDERS_ORDER_BACKORDERED_V1, allocated],
        [ORDERS_ORDER_PARTIALLY_SHIPPED_V1, shipped],
        [ORDERS_ORDER_SHIPPED_V1, shipped],
        [ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1, shipped],
      ]),
      dataSource: this.dataSource,
      schema: KPI_SCHEMA,
      parse,
      deadLetters: new DeadLetterPublisher(this.producer, log, (topic, reason) =>
        this.metrics.deadLetters.inc({ topic, reason }),
      ),
      logger: log,
      fromBeginning: true,
      onLag: (topic, partition, lag) =>
        this.metrics.consumerLag.set(
          { topic, partition: String(partition), group: ALERTS_CONSUMER_GROUP },
          lag,
        ),
    });
    await this.consumer.start();
    this.logger.log({ msg: 'consuming', group: ALERTS_CONSUMER_GROUP });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
