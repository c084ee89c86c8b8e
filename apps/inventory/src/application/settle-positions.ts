import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Backorder, fillBackorders } from '../domain/backorder-queue';
import type {
  InventoryDomainEvent,
  PositionChangedEvent,
  StockCountedEvent,
} from '../domain/inventory-events';
import { detectLevelLow, StockLevel } from '../domain/reorder-policy';
import { ledgerEntryKey, StockLedgerEntry } from '../domain/stock-ledger';
import { computeStockPosition, StockLedgerView } from '../domain/stock-position';
import { InventoryRepository, PositionKey, positionKeyOf } from '../infrastructure/inventory.repository';

/** A position an applied event changed, and the movement that changed it. */
export interface TouchedPosition extends PositionKey {
  /** Business time of the movement. */
  readonly at: string;
  /** Ledger key of the movement: the trigger of any backorder fill it makes possible. */
  readonly trigger: string;
  /**
   * Ledger keys of the entries the event recorded at this position that move on-hand (receipts,
   * restocks, adjustments, counts, shipments): cycle counts are judged again without them, and a
   * count whose on-hand at count time they changed is published again.
   */
  readonly onHandMovementKeys?: readonly string[];
}

/**
 * What every use case does after recording its ledger entries (the domain's "what the use case
 * must do"): per touched position, recompute it from its ledger, hand its available units to its
 * backorders FIFO, store it, then compare the level before the event with the level after it
 * (fills included) once, for `stock.level-low`. Publishes each settled position as it now stands
 * (`position.changed`) and every cycle count the event applied or re-judged (`stock.counted`).
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
      const ledger = await this.repository.ledgerOf(manager, position);
      let view = computeStockPosition(position.warehouseId, position.sku, ledger);
      events.push(...judgedCounts(position, ledger, view));
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
      events.push(positionChanged(position, view, fill.remaining, levelBefore.reorderPoint));
    }
    return events;
  }
}

/**
 * The counts an event's on-hand movements applied or re-judged: each count of the position whose
 * outcome differs from the one the ledger gave without those movements (a new count has none).
 */
function judgedCounts(
  position: TouchedPosition,
  ledger: readonly StockLedgerEntry[],
  view: StockLedgerView,
): StockCountedEvent[] {
  const movementKeys = new Set(position.onHandMovementKeys ?? []);
  if (view.counts.length === 0 || movementKeys.size === 0) return [];
  const earlier = computeStockPosition(
    position.warehouseId,
    position.sku,
    ledger.filter((entry) => !movementKeys.has(ledgerEntryKey(entry))),
  );
  const earlierOnHand = new Map(earlier.counts.map((count) => [count.countId, count.onHandAtCount]));
  return view.counts
    .filter((count) => earlierOnHand.get(count.countId) !== count.onHandAtCount)
    .map((count) => ({
      type: 'stock.counted',
      warehouseId: count.warehouseId,
      sku: count.sku,
      countId: count.countId,
      at: count.at,
      countedQuantity: count.countedQuantity,
      onHandAtCount: count.onHandAtCount,
      accurate: count.countAccurate,
      restated: earlierOnHand.has(count.countId),
    }));
}

function positionChanged(
  position: TouchedPosition,
  view: StockLedgerView,
  backorders: readonly Backorder[],
  reorderPoint: number | null,
): PositionChangedEvent {
  const { onHand, reserved, available } = view.position;
  const backordered = backorders
    .filter((backorder) => backorder.warehouseId === position.warehouseId && backorder.sku === position.sku)
    .reduce((units, backorder) => units + backorder.quantity, 0);
  return {
    type: 'position.changed',
    warehouseId: position.warehouseId,
    sku: position.sku,
    at: position.at,
    onHand,
    reserved,
    available,
    backordered,
    reorderPoint,
  };
}
