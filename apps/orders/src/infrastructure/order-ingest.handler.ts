import { Injectable } from '@nestjs/common';
import { ORDER_CANCELLED_V1, ORDER_PLACED_V1, OrderPlacedV1 } from '@opsline/contracts';
import { ConsumedEvent, HandlerContext, OnEvent } from '@opsline/messaging';
import { PlaceOrderUseCase } from '../application/place-order.use-case';
import { RecordOrderFactUseCase } from '../application/record-order-fact.use-case';

/** Orders arriving on `opsline.ingest.orders` (from Kafka or the HTTP twin). */
@Injectable()
export class OrderIngestHandler {
  constructor(
    private readonly placeOrder: PlaceOrderUseCase,
    private readonly recordFact: RecordOrderFactUseCase,
  ) {}

  @OnEvent(ORDER_PLACED_V1)
  async onOrderPlaced(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.placeOrder.execute(manager, {
      eventId: event.id,
      placedAt: event.time,
      correlationId: event.correlationid,
      data: event.data as OrderPlacedV1,
    });
  }

  /** The channel's cancellation, at the event's business time. */
  @OnEvent(ORDER_CANCELLED_V1)
  async onOrderCancelled(event: ConsumedEvent, { manager, topic }: HandlerContext): Promise<void> {
    await this.recordFact.execute(manager, event, { topic });
  }
}
