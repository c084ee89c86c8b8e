import { Injectable } from '@nestjs/common';
import { ORDER_CANCELLED_V1, ORDER_PLACED_V1, OrderPlacedV1 } from '@opsline/contracts';
import {
  BatchHandlerContext,
  ConsumedEvent,
  HandlerContext,
  OnEvent,
  OnEventBatch,
} from '@opsline/messaging';
import { PlaceOrderUseCase } from '../application/place-order.use-case';
import { RecordOrderFactUseCase } from '../application/record-order-fact.use-case';

/** Orders arriving on `opsline.ingest.orders` (from Kafka or the HTTP twin). */
@Injectable()
export class OrderIngestHandler {
  constructor(
    private readonly placeOrder: PlaceOrderUseCase,
    private readonly recordFact: RecordOrderFactUseCase,
  ) {}

  /** Runs of placements are placed together (see `PlaceOrderUseCase.executeRun`). */
  @OnEventBatch(ORDER_PLACED_V1)
  async onOrdersPlaced(events: readonly ConsumedEvent[], { manager }: BatchHandlerContext): Promise<void> {
    await this.placeOrder.executeRun(
      manager,
      events.map((event) => ({
        eventId: event.id,
        placedAt: event.time,
        correlationId: event.correlationid,
        data: event.data as OrderPlacedV1,
      })),
    );
  }

  /** The channel's cancellation, at the event's business time. */
  @OnEvent(ORDER_CANCELLED_V1)
  async onOrderCancelled(event: ConsumedEvent, { manager, topic }: HandlerContext): Promise<void> {
    await this.recordFact.execute(manager, event, { topic });
  }
}
