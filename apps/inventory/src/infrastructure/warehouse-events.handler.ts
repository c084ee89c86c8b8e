import { Injectable } from '@nestjs/common';
import {
  GOODS_RECEIVED_V1,
  GoodsReceivedV1,
  RETURN_INSPECTED_V1,
  ReturnInspectedV1,
  SHIPMENT_CONFIRMED_V1,
  ShipmentConfirmedV1,
  STOCK_ADJUSTED_V1,
  STOCK_COUNTED_V1,
  StockAdjustedV1,
  StockCountedV1,
} from '@opsline/contracts';
import { causeOf, ConsumedEvent, HandlerContext, OnEvent } from '@opsline/messaging';
import { ApplyShipmentUseCase } from '../application/apply-shipment.use-case';
import {
  adjustmentEntry,
  countEntry,
  receiptEntries,
  restockEntries,
  RecordStockMovementUseCase,
} from '../application/record-stock-movement.use-case';

/** WMS events from `opsline.ingest.warehouse` (Kafka or the HTTP twin), each applied in the consumer's transaction. */
@Injectable()
export class WarehouseEventsHandler {
  constructor(
    private readonly recordMovement: RecordStockMovementUseCase,
    private readonly applyShipment: ApplyShipmentUseCase,
  ) {}

  @OnEvent(GOODS_RECEIVED_V1)
  async onGoodsReceived(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    const entries = receiptEntries(event.data as GoodsReceivedV1, event.time);
    await this.recordMovement.execute(manager, { cause: causeOf(event), entries });
  }

  @OnEvent(STOCK_ADJUSTED_V1)
  async onStockAdjusted(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    const entries = [adjustmentEntry(event.data as StockAdjustedV1, event.time)];
    await this.recordMovement.execute(manager, { cause: causeOf(event), entries });
  }

  @OnEvent(STOCK_COUNTED_V1)
  async onStockCounted(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    const entries = [countEntry(event.data as StockCountedV1, event.time)];
    await this.recordMovement.execute(manager, { cause: causeOf(event), entries });
  }

  @OnEvent(RETURN_INSPECTED_V1)
  async onReturnInspected(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    const entries = restockEntries(event.data as ReturnInspectedV1, event.time, event.id);
    if (entries.length === 0) return;
    await this.recordMovement.execute(manager, { cause: causeOf(event), entries });
  }

  @OnEvent(SHIPMENT_CONFIRMED_V1)
  async onShipmentConfirmed(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.applyShipment.execute(manager, {
      cause: causeOf(event),
      shippedAt: event.time,
      shipment: event.data as ShipmentConfirmedV1,
    });
  }
}
