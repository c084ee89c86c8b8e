import {
  INVENTORY_POSITION_CHANGED_V1,
  INVENTORY_STOCK_COUNTED_V1,
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  ORDERS_ORDER_PLACED_V1,
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
  ORDERS_ORDER_SHIPPED_V1,
  RETURNS_RETURN_AUTHORIZED_V1,
  RETURNS_RETURN_CLOSED_V1,
  RETURNS_RETURN_INSPECTED_V1,
  RETURNS_RETURN_RECEIVED_V1,
  RETURNS_RETURN_REFUNDED_V1,
  RETURNS_RETURN_REJECTED_V1,
} from '@opsline/contracts';
import type { EventBatchHandlerFn } from '@opsline/messaging';
import { RecordAlertFeedsUseCase } from '../application/record-alert-feeds.use-case';
import { RecordKpiFactsUseCase } from '../application/record-kpi-facts.use-case';
import { EventJournalRepository } from './journal/event-journal.repository';
import { KpiFactRepository } from './kpi-fact.repository';
import { KpiTables } from './kpi-tables';

/** Every orders event the KPIs need: each carries the order's whole snapshot. */
export const KPI_ORDER_EVENT_TYPES = [
  ORDERS_ORDER_PLACED_V1,
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  ORDERS_ORDER_SHIPPED_V1,
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
] as const;

/** Every returns event the KPIs need: each carries the return's whole snapshot. */
export const KPI_RETURN_EVENT_TYPES = [
  RETURNS_RETURN_AUTHORIZED_V1,
  RETURNS_RETURN_REJECTED_V1,
  RETURNS_RETURN_RECEIVED_V1,
  RETURNS_RETURN_INSPECTED_V1,
  RETURNS_RETURN_REFUNDED_V1,
  RETURNS_RETURN_CLOSED_V1,
] as const;

/** Every type the read models' consumer applies. */
export const KPI_EVENT_TYPES = [
  ...KPI_ORDER_EVENT_TYPES,
  ...KPI_RETURN_EVENT_TYPES,
  INVENTORY_STOCK_COUNTED_V1,
  INVENTORY_POSITION_CHANGED_V1,
] as const;

/**
 * The KPI read models' Kafka edge: the batch handlers, by event type, that write the facts of
 * `tables` through {@link RecordKpiFactsUseCase} inside the consumer's transaction. One function
 * per fact family (all order types share one, all return types another): the batch consumer hands
 * a run of consecutive events with the same handler to one call, so a partition's mix of
 * `order-placed`, `order-allocated`, `order-shipped`… is one multi-row statement per table, not one
 * per event. The kpi module runs its own consumers (the live one and a rebuild's), each with the
 * handlers of its schema. The orders handler also records the alert feeds' allocations and
 * shipments (`alertFeeds`: unversioned sets, the same however often an event is recorded).
 */
export function kpiBatchHandlers(
  tables: KpiTables,
  alertFeeds: RecordAlertFeedsUseCase,
): Map<string, EventBatchHandlerFn> {
  const record = new RecordKpiFactsUseCase(new KpiFactRepository(tables));
  const journal = new EventJournalRepository(tables.journal);
  // Every run is also appended to the event journal (as-of answers, lineage), in the same transaction.
  const journaled =
    (apply: EventBatchHandlerFn): EventBatchHandlerFn =>
    async (events, context) => {
      await apply(events, context);
      await journal.append(context.manager, context.topic, context.partition, events, context.records);
    };
  const orders: EventBatchHandlerFn = journaled(async (events, { manager, topic, partition }) => {
    await record.recordOrderEvents(manager, { topic, partition }, events);
    await alertFeeds.orderEventsRecorded(manager, events);
  });
  const returns: EventBatchHandlerFn = journaled((events, { manager, topic, partition }) =>
    record.recordReturnEvents(manager, { topic, partition }, events),
  );
  const counts: EventBatchHandlerFn = journaled((events, { manager, topic, partition }) =>
    record.recordCycleCounts(manager, { topic, partition }, events),
  );
  const positions: EventBatchHandlerFn = journaled((events, { manager, topic, partition }) =>
    record.recordPositions(manager, { topic, partition }, events),
  );
  return new Map<string, EventBatchHandlerFn>([
    ...KPI_ORDER_EVENT_TYPES.map((type) => [type, orders] as const),
    ...KPI_RETURN_EVENT_TYPES.map((type) => [type, returns] as const),
    [INVENTORY_STOCK_COUNTED_V1, counts],
    [INVENTORY_POSITION_CHANGED_V1, positions],
  ]);
}
