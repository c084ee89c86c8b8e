import { Injectable } from '@nestjs/common';
import {
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_PLACED_V1,
  OrdersOrderCancelledV1,
  OrdersOrderPlacedV1,
} from '@opsline/contracts';
import {
  BatchHandlerContext,
  ConsumedEvent,
  HandlerContext,
  OnEvent,
  OnEventBatch,
} from '@opsline/messaging';
import { AllocateOrderUseCase } from '../application/allocate-order.use-case';
import { causeOf } from '../application/inventory-wire-events';
import { ReleaseCancelledOrderUseCase } from '../application/release-cancelled-order.use-case';
import { InventoryRepository } from './inventory.repository';

/** Orders announced and cancelled on `opsline.orders`, each applied in the consumer's transaction. */
@Injectable()
export class OrderEventsHandler {
  constructor(
    private readonly allocateOrder: AllocateOrderUseCase,
    private readonly releaseCancelledOrder: ReleaseCancelledOrderUseCase,
    private readonly repository: InventoryRepository,
  ) {}

  /**
   * A run of placements (one partition, offset order) is applied in one transaction. Each order
   * locks its positions in key order, but a run of several orders would lock them order by order
   * — crosswise to another instance's run, a deadlock. So every position the run may touch is
   * locked first, in key order, in one statement.
   */
  @OnEventBatch(ORDERS_ORDER_PLACED_V1)
  async onOrdersPlaced(events: readonly ConsumedEvent[], { manager }: BatchHandlerContext): Promise<void> {
    const orders = events.map((event) => event.data as OrdersOrderPlacedV1);
    if (orders.length > 1) {
      const named = orders.flatMap((order) =>
        order.warehouseId === undefined
          ? []
          : order.lines.map((line) => ({ warehouseId: order.warehouseId as string, sku: line.sku })),
      );
      const anyWarehouseSkus = orders.flatMap((order) =>
        order.warehouseId === undefined ? order.lines.map((line) => line.sku) : [],
      );
      await this.repository.lockPositionsForRun(manager, named, [...new Set(anyWarehouseSkus)]);
    }
    for (const [index, event] of events.entries()) {
      await this.allocateOrder.execute(manager, { cause: causeOf(event), order: orders[index] });
    }
  }

  @OnEvent(ORDERS_ORDER_CANCELLED_V1)
  async onOrderCancelled(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.releaseCancelledOrder.execute(manager, {
      cause: causeOf(event),
      order: event.data as OrdersOrderCancelledV1,
    });
  }
}
