import { SetMetadata } from '@nestjs/common';

export const ON_EVENT_METADATA = 'opsline:on-event';

/**
 * Marks a provider method as the handler of one CloudEvents type. It is called inside the batch's
 * database transaction with `(event, context)`; `context.manager` carries the transaction.
 */
export const OnEvent = (eventType: string): MethodDecorator => SetMetadata(ON_EVENT_METADATA, eventType);

export const ON_EVENT_BATCH_METADATA = 'opsline:on-event-batch';

/**
 * Marks a provider method as the handler of one CloudEvents type that takes consecutive events of
 * that type together, `(events, context)`, in the consumer's transaction: one multi-row statement
 * instead of a round trip per event (read models, bulk upserts). On failure it is called again
 * with one event at a time, so the failing event is dead-lettered alone.
 */
export const OnEventBatch = (eventType: string): MethodDecorator =>
  SetMetadata(ON_EVENT_BATCH_METADATA, eventType);

export const BEFORE_RUN_METADATA = 'opsline:before-run';

/**
 * Marks the one provider method the consumer calls first in every transaction, `(events, context)`,
 * with all the events it is about to apply (see `RunPreparerFn`): typically to lock, in one sorted
 * statement, every row the run's handlers will lock one by one.
 */
export const BeforeRun = (): MethodDecorator => SetMetadata(BEFORE_RUN_METADATA, true);
