import { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EVENT_TYPE_HEADER } from '../event-headers';
import { MessagingLogger } from '../messaging-logger';
import {
  ConsumedEvent,
  ConsumedRecordPosition,
  EventBatchHandlerFn,
  EventHandlerFn,
  EventParser,
  RunPreparerFn,
} from './consumed-event';
import { DeadLetterPublisher } from './dead-letter-publisher';
import { Inbox } from './inbox';
import { backoffBeforeAttempt, DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';
import { isTransientError } from './transient-errors';

export interface BatchConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Handlers by CloudEvents type; events of other types on these topics are skipped. */
  readonly handlers: ReadonlyMap<string, EventHandlerFn>;
  /**
   * Handlers that take a run of consecutive events of their type at once (see
   * {@link EventBatchHandlerFn}); a type is handled by `handlers` or by `batchHandlers`, not both.
   */
  readonly batchHandlers?: ReadonlyMap<string, EventBatchHandlerFn>;
  /** Runs first in every transaction, with the events it is about to apply (see {@link RunPreparerFn}). */
  readonly beforeRun?: RunPreparerFn;
  readonly dataSource: DataSource;
  /** The service's schema, which holds its inbox table. */
  readonly schema: string;
  readonly parse: EventParser;
  readonly deadLetters: DeadLetterPublisher;
  readonly logger: MessagingLogger;
  readonly retry?: RetryPolicy;
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Long-poll wait; kafkajs heartbeats between fetches, so keep it well under the session timeout. */
  readonly maxWaitTimeMs?: number;
  /**
   * How many bytes a fetch waits for (at most `maxWaitTimeMs`) before the broker answers; default 1,
   * answer as soon as anything is there. More gives fewer, larger batches (one transaction each) to a
   * consumer that can wait.
   */
  readonly minBytes?: number;
  readonly partitionsConsumedConcurrently?: number;
  readonly onLag?: (topic: string, partition: number, lag: number) => void;
}

/** A message as the consumer read it: an event, a reason it is invalid, or neither (not handled here). */
type Parsed = { message: KafkaMessage; event: ConsumedEvent | null; invalid: string | null };
type BatchSegment = {
  handler: EventBatchHandlerFn;
  type: string;
  events: ConsumedEvent[];
  records: ConsumedRecordPosition[];
};

/**
 * Consumes with kafkajs `eachBatch` and applies events in database transactions:
 * - a run of valid events is applied in ONE transaction together with its inbox entries, and the
 *   offsets are committed only after that transaction commits (a crash in between redelivers,
 *   and the inbox makes the redelivery a no-op);
 * - an event that does not parse or validate goes to `<topic>.dlq` at once;
 * - when a run fails, its events are applied one by one, each retried with backoff, and the one
 *   that keeps failing is dead-lettered, so the partition keeps moving;
 * - per-partition order is kept, and the consumer heartbeats between steps of long batches.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly inbox: Inbox;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: BatchConsumerOptions) {
    for (const type of options.batchHandlers?.keys() ?? []) {
      if (options.handlers.has(type))
        throw new Error(`two handlers for ${type}: an event and a batch handler`);
    }
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.inbox = new Inbox(options.schema, options.groupId);
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      minBytes: options.minBytes ?? 1,
      retry: { retries: 10 },
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    for (const topic of this.options.topics) {
      await this.consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    }
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
  }

  /** Finishes the batch in flight, commits it, and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /** kafkajs consumer events (GROUP_JOIN, CRASH…), for health and tests. */
  get events(): Consumer['events'] {
    return this.consumer.events;
  }

  on: Consumer['on'] = (...args) => this.consumer.on(...args);

  private parse(message: KafkaMessage): Parsed {
    // A type this consumer has no handler for is passed over unread: validating it would cost as
    // much as applying, and a group that handles the type dead-letters it if it is invalid.
    const namedType = headerText(message.headers?.[EVENT_TYPE_HEADER]);
    if (namedType !== undefined && !this.handles(namedType)) return { message, event: null, invalid: null };
    if (message.value === null) return { message, event: null, invalid: 'record has no value' };
    const parsed = this.options.parse(message.value);
    return parsed.ok
      ? { message, event: parsed.event, invalid: null }
      : { message, event: null, invalid: JSON.stringify(parsed.errors) };
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, heartbeat } = payload;
    const items = batch.messages.map((message) => this.parse(message));
    let next = 0;
    while (next < items.length && isRunning() && !isStale()) {
      const run: Parsed[] = [];
      while (next < items.length && items[next].invalid === null) run.push(items[next++]);
      if (run.length > 0) await this.applyRun(batch, run, payload);
      if (next < items.length && items[next].invalid !== null) {
        const { message, invalid } = items[next++];
        await this.deadLetter(batch, message, 'invalid-event', invalid as string, 1);
      }
      await this.commit(payload, items[next - 1].message.offset);
      await heartbeat();
    }
    this.options.onLag?.(batch.topic, batch.partition, Number(batch.offsetLag()));
  }

  /** Applies a run of valid events in one transaction; on failure, one by one with retries. */
  private async applyRun(batch: Batch, run: Parsed[], payload: EachBatchPayload): Promise<void> {
    try {
      await this.applyInTransaction(batch, run);
    } catch (error) {
      if (run.length > 1) {
        this.options.logger.warn('batch failed; applying its events one by one', {
          topic: batch.topic,
          error: (error as Error).message,
        });
      }
      for (const item of run)
        await this.applyWithRetries(batch, item, payload, run.length === 1 ? error : null);
    }
  }

  /**
   * Retries one event with backoff; after maxAttempts real failures it is dead-lettered. Transient
   * failures (database down) do not count: they are retried until they pass or the consumer stops,
   * and then the batch is left uncommitted for the next run.
   */
  private async applyWithRetries(
    batch: Batch,
    item: Parsed,
    payload: EachBatchPayload,
    firstError: unknown,
  ): Promise<void> {
    let failures = firstError === null || isTransientError(firstError) ? 0 : 1;
    let lastError = firstError;
    for (let tries = firstError === null ? 0 : 1; failures < this.retry.maxAttempts; tries++) {
      if (!payload.isRunning() || payload.isStale())
        throw new Error('consumer stopping; batch left uncommitted');
      await this.sleep(backoffBeforeAttempt(tries + 1, this.retry));
      try {
        await this.applyInTransaction(batch, [item]);
        return;
      } catch (error) {
        lastError = error;
        if (!isTransientError(error)) failures++;
        this.options.logger.warn('handler failed', {
          topic: batch.topic,
          offset: item.message.offset,
          failures,
          transient: isTransientError(error),
          error: (error as Error).message,
        });
        await payload.heartbeat();
      }
    }
    await this.deadLetter(batch, item.message, 'handler-failed', (lastError as Error).message, failures);
  }

  private handles(type: string): boolean {
    return this.options.handlers.has(type) || (this.options.batchHandlers?.has(type) ?? false);
  }

  private async applyInTransaction(batch: Batch, run: Parsed[]): Promise<void> {
    const handled = run.filter((item) => item.event !== null && this.handles(item.event.type));
    if (handled.length === 0) return;
    await this.options.dataSource.transaction(async (manager) => {
      const fresh = await this.inbox.claim(
        manager,
        uniqueById(handled).map(({ event, message }) => ({
          eventId: (event as ConsumedEvent).id,
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
        })),
      );
      if (this.options.beforeRun !== undefined) {
        const applying = handled
          .map(({ event }) => event as ConsumedEvent)
          .filter((event) => fresh.has(event.id));
        if (applying.length > 0)
          await this.options.beforeRun(uniqueEvents(applying), {
            manager,
            topic: batch.topic,
            partition: batch.partition,
          });
      }
      // Consecutive events with the same batch handler go to it together, in offset order (one
      // function registered for several types takes a mixed run; one per type, a run of that type).
      let pending = null as BatchSegment | null;
      const flush = async (): Promise<void> => {
        if (pending === null) return;
        const { handler, events, records } = pending;
        pending = null;
        await handler(events, { manager, topic: batch.topic, partition: batch.partition, records });
      };
      for (const { event, message } of handled) {
        const consumed = event as ConsumedEvent;
        if (!fresh.delete(consumed.id)) continue;
        const batchHandler = this.options.batchHandlers?.get(consumed.type);
        if (batchHandler !== undefined) {
          if (pending?.handler !== batchHandler) await flush();
          pending ??= { handler: batchHandler, type: consumed.type, events: [], records: [] };
          pending.events.push(consumed);
          pending.records.push({ offset: message.offset, timestampMs: recordTimestampMs(message) });
          continue;
        }
        await flush();
        const handler = this.options.handlers.get(consumed.type) as EventHandlerFn;
        await handler(consumed, {
          manager,
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          headers: message.headers ?? {},
        });
      }
      await flush();
    });
  }

  private async deadLetter(
    batch: Batch,
    message: KafkaMessage,
    reason: 'invalid-event' | 'handler-failed',
    error: string,
    attempts: number,
  ): Promise<void> {
    await this.options.deadLetters.publish({
      topic: batch.topic,
      partition: batch.partition,
      message,
      consumerGroup: this.options.groupId,
      reason,
      error,
      attempts,
    });
  }

  /** Commits the offset after `offset`: everything up to it is applied or dead-lettered. */
  /**
   * Commits through the batch's own handle: `consumer.commitOffsets` is skipped once `stop()` has
   * begun, which would leave the batch finished during shutdown uncommitted and redelivered.
   */
  private async commit(
    { batch, resolveOffset, commitOffsetsIfNecessary }: EachBatchPayload,
    offset: string,
  ): Promise<void> {
    resolveOffset(offset);
    const next = (BigInt(offset) + 1n).toString();
    await commitOffsetsIfNecessary({
      topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
    });
  }

  private sleep(ms: number): Promise<void> {
    return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
  }
}

/** The record's Kafka timestamp in milliseconds since the epoch (now, when it has none). */
function recordTimestampMs(message: KafkaMessage): number {
  const ms = Number(message.timestamp);
  return Number.isFinite(ms) && ms > 0 ? ms : Date.now();
}

/** The first event of each id, in order. */
function uniqueEvents(events: readonly ConsumedEvent[]): ConsumedEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => !seen.has(event.id) && seen.add(event.id));
}

/** The first occurrence of each event id (a producer retry can put the same event twice in one batch). */
function uniqueById(items: Parsed[]): Parsed[] {
  const seen = new Set<string>();
  return items.filter(({ event }) => {
    const id = (event as ConsumedEvent).id;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** A header's value as text (kafkajs gives a Buffer, a string, or several of them). */
function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}
