import { Injectable } from '@nestjs/common';
import {
  INVENTORY_STOCK_BACKORDERED_V1,
  INVENTORY_STOCK_RESERVED_V1,
  SHIPMENT_CONFIRMED_V1,
} from '@opsline/contracts';
import {
  BatchHandlerContext,
  ConsumedEvent,
  HandlerContext,
  OnEvent,
  OnEventBatch,
} from '@opsline/messaging';
import { RecordOrderFactUseCase } from '../application/record-order-fact.use-case';

/**
 * What happens to orders elsewhere: shipments from the warehouse (`opsline.ingest.warehouse`) and
 * first allocation attempts from inventory (`opsline.inventory`), each applied to its order.
 */
@Injectable()
export class OrderFulfilmentHandler {
  constructor(private readonly recordFact: RecordOrderFactUseCase) {}

  @OnEvent(SHIPMENT_CONFIRMED_V1)
  async onShipmentConfirmed(event: ConsumedEvent, { manager, topic }: HandlerContext): Promise<void> {
    await this.recordFact.execute(manager, event, { topic });
  }

  /** Runs of allocation results are applied together (they are the hot path: one per order). */
  @OnEventBatch(INVENTORY_STOCK_RESERVED_V1)
  async onStockReserved(
    events: readonly ConsumedEvent[],
    { manager, topic }: BatchHandlerContext,
  ): Promise<void> {
    await this.recordFact.executeRun(manager, events, { topic });
  }

  @OnEventBatch(INVENTORY_STOCK_BACKORDERED_V1)
  async onStockBackordered(
    events: readonly ConsumedEvent[],
    { manager, topic }: BatchHandlerContext,
  ): Promise<void> {
    await this.recordFact.executeRun(manager, events, { topic });
  }
}
