import { IHeaders } from 'kafkajs';
import { EntityManager } from 'typeorm';

/** The validated CloudEvent a handler receives (its `data` is the type's validated class instance). */
export interface ConsumedEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly subject: string;
  readonly time: string;
  readonly data: unknown;
  readonly correlationid?: string;
  readonly causationid?: string;
}

/** Where what a consumed event leads to came from (CloudEvents causation and correlation). */
export interface EventCause {
  readonly eventId: string;
  readonly correlationId?: string;
}

/** The cause of what a consumed event leads to: its id, and its correlation id if any. */
export function causeOf(event: ConsumedEvent): EventCause {
  return {
    eventId: event.id,
    ...(event.correlationid === undefined ? {} : { correlationId: event.correlationid }),
  };
}

export interface FieldError {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/** Parses and validates a Kafka record value; the same validator the HTTP edge uses. */
export type EventParser = (
  value: Buffer,
) => { ok: true; event: ConsumedEvent } | { ok: false; errors: FieldError[] };

/** Where an event came from, and the transaction its effects must be written in. */
export interface HandlerContext {
  readonly manager: EntityManager;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly headers: IHeaders;
}

export type EventHandlerFn = (event: ConsumedEvent, context: HandlerContext) => Promise<void>;

/** Where a run of events came from, and the transaction their effects must be written in. */
export interface BatchHandlerContext {
  readonly manager: EntityManager;
  readonly topic: string;
  readonly partition: number;
  /** Where each event of the run was in the log, in the same order as the events. */
  readonly records?: readonly ConsumedRecordPosition[];
}

/**
 * An event's place in the log: its offset and the record's Kafka timestamp (milliseconds since the
 * epoch, as the protocol has it: formatting it per record was 2% of the kpi consumer's CPU).
 */
export interface ConsumedRecordPosition {
  readonly offset: string;
  readonly timestampMs: number;
}

/**
 * Applies consecutive events of one type (from one partition, in offset order, each new to the
 * inbox) in the consumer's transaction — or of several types, when the same function is registered
 * as the batch handler of each of them (`batchHandlers` of BatchConsumer): one statement for many events instead of a round trip
 * each. When the transaction fails, the events are retried one by one, so the handler is then
 * called with a single event, and the one that keeps failing is dead-lettered on its own.
 */
/**
 * Called once per transaction, before any handler, with every event the transaction will apply (in
 * offset order, duplicates already dropped): the place to lock everything the run touches in one
 * sorted statement, so that runs applied concurrently never wait on each other crosswise.
 */
export type RunPreparerFn = (
  events: readonly ConsumedEvent[],
  context: Omit<BatchHandlerContext, 'records'>,
) => Promise<void>;

export type EventBatchHandlerFn = (
  events: readonly ConsumedEvent[],
  context: BatchHandlerContext,
) => Promise<void>;
