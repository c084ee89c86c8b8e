import { Injectable } from '@nestjs/common';
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
import { BatchHandlerContext, ConsumedEvent, OnEventBatch } from '@opsline/messaging';
import { RecordKpiFactsUseCase } from '../application/record-kpi-facts.use-case';

type Events = readonly ConsumedEvent[];

/**
 * The KPI read models' Kafka edge: every orders, returns and inventory domain event the KPIs need,
 * in batches, handed to {@link RecordKpiFactsUseCase} inside the consumer's transaction.
 */
@Injectable()
export class KpiFactHandlers {
  constructor(private readonly record: RecordKpiFactsUseCase) {}

  @OnEventBatch(ORDERS_ORDER_PLACED_V1)
  onOrderPlaced(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordOrdersPlaced(manager, topic, events);
  }

  @OnEventBatch(ORDERS_ORDER_ALLOCATED_V1)
  onOrderAllocated(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordOrderLifecycle(manager, topic, events);
  }

  @OnEventBatch(ORDERS_ORDER_BACKORDERED_V1)
  onOrderBackordered(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordOrderLifecycle(manager, topic, events);
  }

  @OnEventBatch(ORDERS_ORDER_PARTIALLY_SHIPPED_V1)
  onOrderPartiallyShipped(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordOrderLifecycle(manager, topic, events);
  }

  @OnEventBatch(ORDERS_ORDER_SHIPPED_V1)
  onOrderShipped(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordOrderLifecycle(manager, topic, events);
  }

  @OnEventBatch(ORDERS_ORDER_CANCELLED_V1)
  onOrderCancelled(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordOrderLifecycle(manager, topic, events);
  }

  @OnEventBatch(ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1)
  onOrderShippedAfterCancellation(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordOrderLifecycle(manager, topic, events);
  }

  @OnEventBatch(RETURNS_RETURN_AUTHORIZED_V1)
  onReturnAuthorized(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordReturnEvents(manager, topic, events);
  }

  @OnEventBatch(RETURNS_RETURN_REJECTED_V1)
  onReturnRejected(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordReturnEvents(manager, topic, events);
  }

  @OnEventBatch(RETURNS_RETURN_RECEIVED_V1)
  onReturnReceived(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordReturnEvents(manager, topic, events);
  }

  @OnEventBatch(RETURNS_RETURN_INSPECTED_V1)
  onReturnInspected(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordReturnEvents(manager, topic, events);
  }

  @OnEventBatch(RETURNS_RETURN_REFUNDED_V1)
  onReturnRefunded(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordReturnEvents(manager, topic, events);
  }

  @OnEventBatch(RETURNS_RETURN_CLOSED_V1)
  onReturnClosed(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordReturnEvents(manager, topic, events);
  }

  @OnEventBatch(INVENTORY_STOCK_COUNTED_V1)
  onStockCounted(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordCycleCounts(manager, topic, events);
  }

  @OnEventBatch(INVENTORY_POSITION_CHANGED_V1)
  onPositionChanged(events: Events, { manager, topic }: BatchHandlerContext): Promise<void> {
    return this.record.recordPositions(manager, topic, events);
  }
}
