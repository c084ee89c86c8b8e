import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { INGEST_TOPIC_EVENT_TYPES, INGEST_WAREHOUSE_TOPIC } from '@opsline/contracts';
import { BatchConsumer, EventBatchHandlerFn, KAFKA_CLIENT, KAFKA_PRODUCER } from '@opsline/messaging';
import { PlatformMetrics } from '@opsline/platform';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { RecordAlertFeedsUseCase } from '../../application/record-alert-feeds.use-case';
import { kpiBatchConsumer } from '../kpi-batch-consumer';
import { KPI_SCHEMA } from '../kpi-tables';
import { ALERTS_CONSUMER_GROUP } from './alert-tables';

/**
 * The feed monitor's alerts are about minutes of silence, so its consumer reads in bulk: a fetch
 * waits for half a megabyte or half a second, and a busy feed is applied in a few large
 * transactions rather than one per handful of events.
 */
const ALERT_FEEDS_FETCH = { minBytes: 512 * 1024, maxWaitTimeMs: 500 };

/**
 * The warehouse-feed monitor's Kafka edge: its own consumer group (not a read-model version's, so a
 * rebuild neither replays nor resets it) on the warehouse feed, recording when each warehouse was
 * last heard through {@link RecordAlertFeedsUseCase} in the consumer's transaction. The allocations
 * and shipments the monitor also needs come from `opsline.orders`, which the read models' consumer
 * reads anyway: it records them with its facts (see `kpiBatchHandlers`).
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
    private readonly record: RecordAlertFeedsUseCase,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const heard: EventBatchHandlerFn = (events, { manager }) =>
      this.record.warehouseEventsHeard(manager, events);
    this.consumer = kpiBatchConsumer({
      kafka: this.kafka,
      producer: this.producer,
      metrics: this.metrics,
      dataSource: this.dataSource,
      groupId: ALERTS_CONSUMER_GROUP,
      topics: [INGEST_WAREHOUSE_TOPIC],
      schema: KPI_SCHEMA,
      fetchInBulk: ALERT_FEEDS_FETCH,
      batchHandlers: new Map<string, EventBatchHandlerFn>(
        INGEST_TOPIC_EVENT_TYPES[INGEST_WAREHOUSE_TOPIC].map((type) => [type, heard] as const),
      ),
    });
    await this.consumer.start();
    this.logger.log({ msg: 'consuming', group: ALERTS_CONSUMER_GROUP });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
