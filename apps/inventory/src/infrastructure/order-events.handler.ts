import { Injectable } from '@nestjs/common';
import {
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_PLACED_V1,
  OrdersOrderCancelledV1,
  OrdersOrderPlacedV1,
} from '@opsline/contracts';
import {
  BatchHandlerContext,
  causeOf,
  ConsumedEvent,
  HandlerContext,
  OnEvent,
  OnEventBatch,
} from '@opsline/messaging';
import { AllocateOrderUseCase } from '../application/allocate-order.use-case';
import { ReleaseCancelledOrderUseCase } from '../application/release-cancelled-order.use-case';

/** Orders announced and cancelled on `opsline.orders`, each applied in the consumer's transaction. */
@Injectable()
export class OrderEventsHandler {
  constructor(
    private readonly allocateOrder: AllocateOrderUseCase,
    private readonly releaseCancelledOrder: ReleaseCancelledOrderUseCase,
  ) {}

  /** A run of placements (one partition, offset order) is allocated in one go, in the consumer's transaction. */
  @OnEventBatch(ORDERS_ORDER_PLACED_V1)
  async onOrdersPlaced(events: readonly ConsumedEvent[], { manager }: BatchHandlerContext): Promise<void> {
    await this.allocateOrder.execute(
      manager,
      events.map((event) => ({ cause: causeOf(event), order: event.data as OrdersOrderPlacedV1 })),
    );
  }

  @OnEvent(ORDERS_ORDER_CANCELLED_V1)
  async onOrderCancelled(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.releaseCancelledOrder.execute(manager, {
      cause: causeOf(event),
      order: event.data as OrdersOrderCancelledV1,
    });
  }
}
