import { Injectable } from '@nestjs/common';
import {
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  ORDERS_ORDER_PLACED_V1,
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
  ORDERS_ORDER_SHIPPED_V1,
} from '@opsline/contracts';
import { BatchHandlerContext, ConsumedEvent, OnEventBatch } from '@opsline/messaging';
import { RecordOrderReplicaUseCase } from '../application/record-order-replica.use-case';

/** Every event on `opsline.orders` carries the whole order: each run of them refreshes the replicas. */
@Injectable()
export class OrderReplicaHandler {
  constructor(private readonly recordReplica: RecordOrderReplicaUseCase) {}

  @OnEventBatch(ORDERS_ORDER_PLACED_V1)
  async onPlaced(events: readonly ConsumedEvent[], { manager }: BatchHandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, events);
  }

  @OnEventBatch(ORDERS_ORDER_ALLOCATED_V1)
  async onAllocated(events: readonly ConsumedEvent[], { manager }: BatchHandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, events);
  }

  @OnEventBatch(ORDERS_ORDER_BACKORDERED_V1)
  async onBackordered(events: readonly ConsumedEvent[], { manager }: BatchHandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, events);
  }

  @OnEventBatch(ORDERS_ORDER_PARTIALLY_SHIPPED_V1)
  async onPartiallyShipped(
    events: readonly ConsumedEvent[],
    { manager }: BatchHandlerContext,
  ): Promise<void> {
    await this.recordReplica.execute(manager, events);
  }

  @OnEventBatch(ORDERS_ORDER_SHIPPED_V1)
  async onShipped(events: readonly ConsumedEvent[], { manager }: BatchHandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, events);
  }

  @OnEventBatch(ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1)
  async onShippedAfterCancellation(
    events: readonly ConsumedEvent[],
    { manager }: BatchHandlerContext,
  ): Promise<void> {
    await this.recordReplica.execute(manager, events);
  }

  @OnEventBatch(ORDERS_ORDER_CANCELLED_V1)
  async onCancelled(events: readonly ConsumedEvent[], { manager }: BatchHandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, events);
  }
}
