import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { INGEST_TOPIC_EVENT_TYPES, INGEST_WAREHOUSE_TOPIC, ORDERS_TOPIC } from '@opsline/contracts';
import { BatchConsumer, EventBatchHandlerFn, KAFKA_CLIENT, KAFKA_PRODUCER } from '@opsline/messaging';
import { PlatformMetrics } from '@opsline/platform';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ALERT_CLOCK } from '../../application/evaluate-alerts.use-case';
import {
  ALERT_ORDER_EVENT_TYPES,
  RecordAlertFeedsUseCase,
} from '../../application/record-alert-feeds.use-case';
import type { Clock } from '../../domain/alerts/alert';
import { kpiBatchConsumer } from '../kpi-batch-consumer';
import { KPI_SCHEMA } from '../kpi-tables';
import { AlertRepository } from './alert.repository';
import { ALERTS_CONSUMER_GROUP } from './alert-tables';

/**
 * The feed monitor's alerts are about minutes of silence, so its consumer reads in bulk: a fetch
 * waits for half a megabyte or half a second. Taking the events as they came, it applied batches
 * of about 70 events while a burst of orders was ingested, in as many transactions, and took a
 * quarter of the kpi projector's CPU from the read models' consumer (bench:kpi).
 */
const ALERT_FEEDS_FETCH = { minBytes: 512 * 1024, maxWaitMs: 500 };

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
    const heard: EventBatchHandlerFn = (events, { manager }) => record.warehouseEventsHeard(manager, events);
    // one function for every order type, so a run interleaving them is one call (see BatchConsumer)
    const orderEvents: EventBatchHandlerFn = (events, { manager }) =>
      record.orderEventsRecorded(manager, events);
    this.consumer = kpiBatchConsumer({
      kafka: this.kafka,
      producer: this.producer,
      metrics: this.metrics,
      dataSource: this.dataSource,
      groupId: ALERTS_CONSUMER_GROUP,
      topics: [INGEST_WAREHOUSE_TOPIC, ORDERS_TOPIC],
      schema: KPI_SCHEMA,
      fetchInBulk: ALERT_FEEDS_FETCH,
      batchHandlers: new Map<string, EventBatchHandlerFn>([
        ...INGEST_TOPIC_EVENT_TYPES[INGEST_WAREHOUSE_TOPIC].map((type) => [type, heard] as const),
        ...ALERT_ORDER_EVENT_TYPES.map((type) => [type, orderEvents] as const),
      ]),
    });
    await this.consumer.start();
    this.logger.log({ msg: 'consuming', group: ALERTS_CONSUMER_GROUP });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
