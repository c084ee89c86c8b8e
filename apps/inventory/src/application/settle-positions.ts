import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { fillBackorders } from '../domain/backorder-queue';
import type { InventoryDomainEvent } from '../domain/inventory-events';
import { detectLevelLow, StockLevel } from '../domain/reorder-policy';
import { computeStockPosition } from '../domain/stock-position';
import { InventoryRepository, PositionKey, positionKeyOf } from '../infrastructure/inventory.repository';

/** A position an applied event changed, and the movement that changed it. */
export interface TouchedPosition extends PositionKey {
  /** Business time of the movement. */
  readonly at: string;
  /** Ledger key of the movement: the trigger of any backorder fill it makes possible. */
  readonly trigger: string;
}

/**
 * What every use case does after recording its ledger entries (the domain's "what the use case
 * must do"): per touched position, recompute it from its ledger, hand its available units to its
 * backorders FIFO, store it, then compare the level before the event with the level after it
 * (fills included) once, for `stock.level-low`.
 */
@Injectable()
export class PositionSettler {
  constructor(private readonly repository: InventoryRepository) {}

  /** `before` holds each touched position's level as locked before the event was applied. */
  async settle(
    manager: EntityManager,
    touched: readonly TouchedPosition[],
    before: ReadonlyMap<string, StockLevel>,
  ): Promise<InventoryDomainEvent[]> {
    const events: InventoryDomainEvent[] = [];
    for (const position of touched) {
      let view = computeStockPosition(
        position.warehouseId,
        position.sku,
        await this.repository.ledgerOf(manager, position),
      );
      const queue = await this.repository.backordersAt(manager, position);
      const fill = fillBackorders(queue, view.position.available, position);
      if (fill.reservations.length > 0) {
        await this.repository.insertEntries(manager, fill.reservations);
        await this.repository.replaceBackorders(manager, queue, fill.remaining);
        view = computeStockPosition(
          position.warehouseId,
          position.sku,
          await this.repository.ledgerOf(manager, position),
        );
      }
      await this.repository.savePosition(manager, view.position);
      events.push(...fill.events);
      const levelBefore = before.get(positionKeyOf(position)) ?? { available: 0, reorderPoint: null };
      const low = detectLevelLow({
        warehouseId: position.warehouseId,
        sku: position.sku,
        at: position.at,
        before: levelBefore,
        after: { available: view.position.available, reorderPoint: levelBefore.reorderPoint },
      });
      if (low !== null) events.push(low);
    }
    return events;
  }
}
