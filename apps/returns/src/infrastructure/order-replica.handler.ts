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
import { ConsumedEvent, HandlerContext, OnEvent } from '@opsline/messaging';
import { RecordOrderReplicaUseCase } from '../application/record-order-replica.use-case';

/** Every event on `opsline.orders` carries the whole order: each one refreshes the replica. */
@Injectable()
export class OrderReplicaHandler {
  constructor(private readonly recordReplica: RecordOrderReplicaUseCase) {}

  @OnEvent(ORDERS_ORDER_PLACED_V1)
  async onPlaced(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, event);
  }

  @OnEvent(ORDERS_ORDER_ALLOCATED_V1)
  async onAllocated(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, event);
  }

  @OnEvent(ORDERS_ORDER_BACKORDERED_V1)
  async onBackordered(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, event);
  }

  @OnEvent(ORDERS_ORDER_PARTIALLY_SHIPPED_V1)
  async onPartiallyShipped(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, event);
  }

  @OnEvent(ORDERS_ORDER_SHIPPED_V1)
  async onShipped(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, event);
  }

  @OnEvent(ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1)
  async onShippedAfterCancellation(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, event);
  }

  @OnEvent(ORDERS_ORDER_CANCELLED_V1)
  async onCancelled(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.recordReplica.execute(manager, event);
  }
}
