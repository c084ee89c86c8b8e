import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Backorder, fillBackorders } from '../domain/backorder-queue';
import type {
  InventoryDomainEvent,
  PositionChangedEvent,
  StockCountedEvent,
} from '../domain/inventory-events';
import { detectLevelLow } from '../domain/reorder-policy';
import { ledgerEntryKey, StockLedgerEntry } from '../domain/stock-ledger';
import {
  computeStockPosition,
  movesOnHand,
  StockLedgerView,
  StockPosition,
  withReservationChanges,
} from '../domain/stock-position';
import {
  InventoryRepository,
  LockedLevel,
  PositionKey,
  positionKeyOf,
} from '../infrastructure/inventory.repository';

/** A position an applied event changed, and the movement that changed it. */
export interface TouchedPosition extends PositionKey {
  /** Business time of the movement. */
  readonly at: string;
  /** Ledger key of the movement: the trigger of any backorder fill it makes possible. */
  readonly trigger: string;
  /** The entries the event recorded at this position. */
  readonly recorded: readonly StockLedgerEntry[];
}

/**
 * The positions `recorded` entries touched, each with its entries; the first entry of a position
 * is its trigger, and `at` (a shipment's time, a cancellation's) overrides the entries' times.
 */
export function touchedPositionsOf(recorded: readonly StockLedgerEntry[], at?: string): TouchedPosition[] {
  const byPosition = new Map<string, TouchedPosition & { recorded: StockLedgerEntry[] }>();
  for (const entry of recorded) {
    const key = positionKeyOf(entry);
    const position = byPosition.get(key) ?? {
      warehouseId: entry.warehouseId,
      sku: entry.sku,
      at: at ?? entry.at,
      trigger: ledgerEntryKey(entry),
      recorded: [],
    };
    position.recorded.push(entry);
    byPosition.set(key, position);
  }
  return [...byPosition.values()];
}

/**
 * What every use case does after recording its ledger entries (the domain's "what the use case
 * must do"): per touched position, bring it up to date, hand its available units to its backorders
 * FIFO, store it, then compare the level before the event with the level after it (fills
 * included) once, for `stock.level-low`. Publishes each settled position as it now stands
 * (`position.changed`) and every cycle count the event applied or re-judged (`stock.counted`).
 *
 * A position is folded from its whole ledger only when the event moved on-hand (whose result
 * depends on business-time order, cycle counts); reservations and releases are added to the stored
 * position, so allocating does not read a position's history.
 */
@Injectable()
export class PositionSettler {
  constructor(private readonly repository: InventoryRepository) {}

  /** `before` holds each touched position's level as locked before the event was applied. */
  async settle(
    manager: EntityManager,
    touched: readonly TouchedPosition[],
    before: ReadonlyMap<string, LockedLevel>,
  ): Promise<InventoryDomainEvent[]> {
    const events: InventoryDomainEvent[] = [];
    for (const touchedPosition of touched) {
      const locked = before.get(positionKeyOf(touchedPosition));
      let position: StockPosition;
      if (locked !== undefined && !touchedPosition.recorded.some(movesOnHand)) {
        position = withReservationChanges(
          {
            ...touchedPosition,
            onHand: locked.onHand,
            reserved: locked.reserved,
            available: locked.available,
          },
          touchedPosition.recorded,
        );
      } else {
        const ledger = await this.repository.ledgerOf(manager, touchedPosition);
        const view = computeStockPosition(touchedPosition.warehouseId, touchedPosition.sku, ledger);
        events.push(...judgedCounts(touchedPosition, ledger, view));
        position = view.position;
      }
      const queue = await this.repository.backordersAt(manager, touchedPosition);
      const fill = fillBackorders(queue, position.available, touchedPosition);
      if (fill.reservations.length > 0) {
        await this.repository.insertEntries(manager, fill.reservations);
        await this.repository.replaceBackorders(manager, queue, fill.remaining);
        position = withReservationChanges(position, fill.reservations);
      }
      await this.repository.savePosition(manager, position);
      events.push(...fill.events);
      const levelBefore = locked ?? { available: 0, reorderPoint: null };
      const low = detectLevelLow({
        warehouseId: touchedPosition.warehouseId,
        sku: touchedPosition.sku,
        at: touchedPosition.at,
        before: levelBefore,
        after: { available: position.available, reorderPoint: levelBefore.reorderPoint },
      });
      if (low !== null) events.push(low);
      events.push(positionChanged(touchedPosition, position, fill.remaining, levelBefore.reorderPoint));
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
  const movementKeys = new Set(position.recorded.filter(movesOnHand).map(ledgerEntryKey));
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
  { onHand, reserved, available }: StockPosition,
  backorders: readonly Backorder[],
  reorderPoint: number | null,
): PositionChangedEvent {
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
