import { Injectable } from '@nestjs/common';
import { ShipmentConfirmedV1 } from '@opsline/contracts';
import { EventCause, Outbox } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import { consumeForShipment } from '../domain/backorder-queue';
import { computeStockPosition, openReservationOf } from '../domain/stock-position';
import { InventoryRepository } from '../infrastructure/inventory.repository';
import { inventoryOutboxEntries } from './inventory-wire-events';
import { PositionSettler, touchedPositionsOf } from './settle-positions';
import { StockLedgerRepository } from '../infrastructure/stock-ledger.repository';

/** A shipment confirmation from the WMS. */
export interface ApplyShipmentCommand {
  readonly cause: EventCause;
  /** The event `time`: when it shipped. */
  readonly shippedAt: string;
  readonly shipment: ShipmentConfirmedV1;
}

/**
 * Applies a shipment: on-hand goes down, each line's open reservation is consumed first (the
 * domain's `consumeForShipment`), units shipped beyond it shrink the line's backorder; then the
 * positions are settled and `stock-shipped` is published. A duplicate shipment has no effect.
 */
@Injectable()
export class ApplyShipmentUseCase {
  constructor(
    private readonly repository: InventoryRepository,
    private readonly ledger: StockLedgerRepository,
    private readonly settler: PositionSettler,
    private readonly outbox: Outbox,
  ) {}

  async execute(manager: EntityManager, command: ApplyShipmentCommand): Promise<'applied' | 'duplicate'> {
    const { shipment, shippedAt } = command;
    const { warehouseId, orderId } = shipment;
    const skus = [...new Set(shipment.lines.map((line) => line.sku))];
    const before = await this.repository.lockPositions(
      manager,
      skus.map((sku) => ({ warehouseId, sku })),
    );
    // the order's own entries are all an open reservation depends on
    const orderEntries = await this.ledger.orderEntriesAt(manager, warehouseId, skus, orderId);
    const views = new Map(skus.map((sku) => [sku, computeStockPosition(warehouseId, sku, orderEntries)]));
    const queue = await this.repository.backordersOfOrder(manager, orderId);
    const consumption = consumeForShipment(
      { shipmentId: shipment.shipmentId, orderId, warehouseId, at: shippedAt, lines: shipment.lines },
      (lineId, sku) => {
        const view = views.get(sku);
        return view === undefined ? 0 : openReservationOf(view, orderId, lineId);
      },
      queue,
    );
    const recorded = await this.ledger.insertEntries(manager, consumption.entries);
    if (recorded.length === 0) return 'duplicate';
    await this.repository.replaceBackorders(manager, queue, consumption.remaining);
    const settled = await this.settler.settle(manager, touchedPositionsOf(recorded, shippedAt), before);
    await this.outbox.add(manager, inventoryOutboxEntries([consumption.event, ...settled], command.cause));
    return 'applied';
  }
}
