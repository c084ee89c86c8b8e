import { parseCloudEventBytes } from '@opsline/contracts';
import {
  BatchConsumer,
  BatchConsumerOptions,
  DeadLetterPublisher,
  EventBatchHandlerFn,
  EventParser,
  nestMessagingLogger,
} from '@opsline/messaging';
import { CorrelationContext, PlatformMetrics } from '@opsline/platform';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';

/**
 * The broker's long-poll wait when nothing is new. Stopping a consumer waits for its fetch, and a
 * rebuild's switch stops the live consumer: a second's wait was most of the switch. Four idle
 * fetches a second instead of one cost next to nothing.
 */
const FETCH_WAIT_MS = 250;

const parse: EventParser = (value) => parseCloudEventBytes(value) as ReturnType<EventParser>;

/** What differs between the kpi service's consumers (read-model versions, the alert feeds). */
export interface KpiConsumerOptions {
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly metrics: PlatformMetrics;
  readonly dataSource: DataSource;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** The schema holding the group's inbox. */
  readonly schema: string;
  readonly batchHandlers: ReadonlyMap<string, EventBatchHandlerFn>;
  /** For a consumer that can wait: fetches answer once `minBytes` are there, or after `maxWaitTimeMs`. */
  readonly fetchInBulk?: Required<Pick<BatchConsumerOptions, 'minBytes' | 'maxWaitTimeMs'>>;
}

/**
 * A batch consumer as the kpi service runs them outside the messaging module: from the beginning,
 * dead letters and lag on the platform's metrics, and handler log lines carrying the correlation id
 * the event was sent with (as the platform does for the other services).
 */
export function kpiBatchConsumer(options: KpiConsumerOptions): BatchConsumer {
  const log = nestMessagingLogger('Messaging');
  // One wrapper per function, not per type: types sharing a handler must keep sharing it, so that
  // the consumer hands a mixed run of them to one call.
  const scopedOf = new Map<EventBatchHandlerFn, EventBatchHandlerFn>();
  const scoped = new Map(
    [...options.batchHandlers].map(([type, handle]) => {
      let wrapped = scopedOf.get(handle);
      if (wrapped === undefined) {
        wrapped = (events, context) =>
          CorrelationContext.run(events[0].correlationid ?? events[0].id, () => handle(events, context));
        scopedOf.set(handle, wrapped);
      }
      return [type, wrapped] as const;
    }),
  );
  const { metrics, groupId } = options;
  return new BatchConsumer({
    kafka: options.kafka,
    groupId,
    topics: [...options.topics],
    handlers: new Map(),
    batchHandlers: scoped,
    dataSource: options.dataSource,
    schema: options.schema,
    parse,
    deadLetters: new DeadLetterPublisher(options.producer, log, (topic, reason) =>
      metrics.deadLetters.inc({ topic, reason }),
    ),
    logger: log,
    fromBeginning: true,
    maxWaitTimeMs: FETCH_WAIT_MS,
    ...options.fetchInBulk,
    onLag: (topic, partition, lag) =>
      metrics.consumerLag.set({ topic, partition: String(partition), group: groupId }, lag),
  });
}
