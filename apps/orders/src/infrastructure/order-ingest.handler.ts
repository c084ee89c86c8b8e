import { Injectable } from '@nestjs/common';
import { ORDER_PLACED_V1, OrderPlacedV1 } from '@opsline/contracts';
import { ConsumedEvent, HandlerContext, OnEvent } from '@opsline/messaging';
import { PlaceOrderUseCase } from '../application/place-order.use-case';

/** Orders arriving on `opsline.ingest.orders` (from Kafka or the HTTP twin). */
@Injectable()
export class OrderIngestHandler {
  constructor(private readonly placeOrder: PlaceOrderUseCase) {}

  @OnEvent(ORDER_PLACED_V1)
  async onOrderPlaced(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.placeOrder.execute(manager, {
      eventId: event.id,
      placedAt: event.time,
      correlationId: event.correlationid,
      data: event.data as OrderPlacedV1,
    });
  }
}
