import { Injectable } from '@nestjs/common';
import { ORDERS_ORDER_PLACED_V1, OrdersOrderPlacedV1 } from '@opsline/contracts';
import { ConsumedEvent, HandlerContext, OnEvent } from '@opsline/messaging';
import { AllocateOrderUseCase } from '../application/allocate-order.use-case';
import { causeOf } from '../application/inventory-wire-events';

/**
 * Orders announced on `opsline.orders`, allocated in the consumer's transaction. Cancellation
 * release waits for the orders service's cancellation domain event, which does not exist yet.
 */
@Injectable()
export class OrderEventsHandler {
  constructor(private readonly allocateOrder: AllocateOrderUseCase) {}

  @OnEvent(ORDERS_ORDER_PLACED_V1)
  async onOrderPlaced(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.allocateOrder.execute(manager, {
      cause: causeOf(event),
      order: event.data as OrdersOrderPlacedV1,
    });
  }
}
