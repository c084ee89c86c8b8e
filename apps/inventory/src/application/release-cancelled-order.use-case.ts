import { Injectable } from '@nestjs/common';
import { OrdersOrderCancelledV1 } from '@opsline/contracts';
import { EventCause, Outbox } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import { OpenOrderLine, releaseCancelledOrder } from '../domain/backorder-queue';
import { computeStockPosition, openReservationOf } from '../domain/stock-position';
import { InventoryRepository } from '../infrastructure/inventory.repository';
import { inventoryOutboxEntries } from './inventory-wire-events';
import { PositionSettler, touchedPositionsOf } from './settle-positions';
import { StockLedgerRepository } from '../infrastructure/stock-ledger.repository';

/** An order the orders service cancelled (`opsline.orders.order-cancelled.v1`). */
export interface ReleaseCancelledOrderCommand {
  readonly cause: EventCause;
  readonly order: OrdersOrderCancelledV1;
}

/**
 * Releases a cancelled order's hold on stock at the warehouse it was allocated to: every open
 * reservation goes back to available and its backorders are dropped (the domain's
 * `releaseCancelledOrder`); units already shipped stay shipped. The freed units then fill other
 * backorders FIFO (`PositionSettler`) and `stock-released` is published. A second cancellation of
 * the same order finds nothing open and has no effect. An order cancelled before inventory saw it
 * placed is remembered as allocated (to its warehouse, if it names one) so a late placement
 * reserves nothing.
 */
@Injectable()
export class ReleaseCancelledOrderUseCase {
  constructor(
    private readonly repository: InventoryRepository,
    private readonly ledger: StockLedgerRepository,
    private readonly settler: PositionSettler,
    private readonly outbox: Outbox,
  ) {}

  async execute(
    manager: EntityManager,
    command: ReleaseCancelledOrderCommand,
  ): Promise<'released' | 'nothing-to-release'> {
    const { order } = command;
    const warehouseId = await this.repository.allocatedWarehouseOf(manager, order.orderId);
    if (warehouseId === null) {
      if (order.warehouseId !== undefined)
        await this.repository.recordAllocations(manager, [
          { orderId: order.orderId, warehouseId: order.warehouseId, placedAt: order.placedAt },
        ]);
      return 'nothing-to-release';
    }
    const at = order.cancelledAt;
    const skus = [...new Set(order.lines.map((line) => line.sku))];
    const before = await this.repository.lockPositions(
      manager,
      skus.map((sku) => ({ warehouseId, sku })),
    );
    // the order's own entries are all an open reservation depends on
    const orderEntries = await this.ledger.orderEntriesAt(manager, warehouseId, skus, order.orderId);
    const openLines: OpenOrderLine[] = [];
    for (const sku of skus) {
      const view = computeStockPosition(warehouseId, sku, orderEntries);
      for (const line of order.lines.filter((l) => l.sku === sku)) {
        openLines.push({
          lineId: line.lineId,
          sku,
          reserved: openReservationOf(view, order.orderId, line.lineId),
        });
      }
    }
    const queue = await this.repository.backordersOfOrder(manager, order.orderId);
    const release = releaseCancelledOrder({ orderId: order.orderId, warehouseId, at }, openLines, queue);
    if (release.event === null) return 'nothing-to-release';
    const recorded = await this.ledger.insertEntries(manager, release.releases);
    await this.repository.replaceBackorders(manager, queue, release.remaining);
    const settled = await this.settler.settle(manager, touchedPositionsOf(recorded, at), before);
    await this.outbox.add(manager, inventoryOutboxEntries([release.event, ...settled], command.cause));
    return 'released';
  }
}
