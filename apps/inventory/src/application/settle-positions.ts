import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Backorder, BackorderFill, fillBackorders } from '../domain/backorder-queue';
import type {
  InventoryDomainEvent,
  PositionChangedEvent,
  StockCountedEvent,
} from '../domain/inventory-events';
import { detectLevelLow, StockLevel } from '../domain/reorder-policy';
import { ledgerEntryKey, StockLedgerEntry } from '../domain/stock-ledger';
import { compareBusinessTimes, earlierBusinessTime, laterBusinessTime } from '../domain/ordering';
import {
  computeStockPosition,
  CountOutcome,
  LatestMovements,
  latestMovementsAfter,
  movesOnHand,
  onHandAfterLateCount,
  onHandAfterLaterMovements,
  onHandWithLateMovements,
  rejudgeAfterLateMovements,
  positionAfter,
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
import { StockLedgerRepository } from '../infrastructure/stock-ledger.repository';

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
 * A position is brought up to date from its stored level and the event's entries, never from its
 * whole history: reserved is a plain sum; on-hand too for movements later than the position's
 * latest cycle count (and a count later than every movement applies on top). A movement dated
 * before the latest count leaves on-hand alone and moves the stored judgement of the count after
 * it. A count dated before other movements folds the ledger between the counts around it, as does
 * a late movement whose next count has no stored judgement yet; so no event reads more than the
 * ledger between two counts (except one recording several movements around counts, which the
 * WMS events do not).
 */
@Injectable()
export class PositionSettler {
  constructor(
    private readonly repository: InventoryRepository,
    private readonly ledger: StockLedgerRepository,
  ) {}

  /** `before` holds each touched position's level as locked before the event was applied. */
  async settle(
    manager: EntityManager,
    touched: readonly TouchedPosition[],
    before: ReadonlyMap<string, LockedLevel>,
  ): Promise<InventoryDomainEvent[]> {
    const events: InventoryDomainEvent[] = [];
    for (const touchedPosition of touched) {
      const locked = before.get(positionKeyOf(touchedPosition));
      const { position, counted, latest } = await this.bringUpToDate(manager, touchedPosition, locked);
      events.push(...counted);
      const queue = await this.repository.backordersAt(manager, touchedPosition);
      const settled = settlePosition(touchedPosition, position, queue, locked ?? NO_LEVEL);
      if (settled.fill.reservations.length > 0) {
        await this.ledger.insertEntries(manager, settled.fill.reservations);
        await this.repository.replaceBackorders(manager, queue, settled.fill.remaining);
      }
      await this.repository.savePosition(manager, settled.position, latest);
      events.push(...settled.events);
    }
    return events;
  }

  /** The position after the event's entries, with the counts they judged (stored on their rows). */
  private async bringUpToDate(
    manager: EntityManager,
    touched: TouchedPosition,
    locked: LockedLevel | undefined,
  ): Promise<{ position: StockPosition; counted: StockCountedEvent[]; latest: LatestMovements }> {
    const { position, counted, judged, latest } = await this.settleOnHand(manager, touched, locked);
    await this.ledger.storeJudgements(manager, touched, judged ?? counted.map(({ count }) => count));
    return {
      position,
      counted: counted.map(({ count, restated }) => countedEvent(count, restated)),
      latest,
    };
  }

  /**
   * On-hand after the event, the counts whose judgement it changed and, where the ledger was
   * folded, every count the fold judged for sure (`judged`, stored too so that later late movements
   * can start from them).
   */
  private async settleOnHand(
    manager: EntityManager,
    touched: TouchedPosition,
    locked: LockedLevel | undefined,
  ): Promise<{
    position: StockPosition;
    counted: JudgedNow[];
    judged?: CountOutcome[];
    latest: LatestMovements;
  }> {
    if (locked === undefined) {
      // not locked by the caller, so there is no stored level to start from
      const ledger = await this.ledger.ledgerOf(manager, touched);
      const view = computeStockPosition(touched.warehouseId, touched.sku, ledger);
      return {
        position: view.position,
        counted: judgedCounts(touched, ledger, view),
        judged: view.counts.slice(),
        latest: latestMovementsAfter(NO_MOVEMENTS, ledger),
      };
    }
    const stored: StockPosition = {
      warehouseId: touched.warehouseId,
      sku: touched.sku,
      onHand: locked.onHand,
      reserved: locked.reserved,
      available: locked.available,
    };
    const latest = latestMovementsAfter(locked.latest, touched.recorded);
    const movements = touched.recorded.filter(movesOnHand);
    if (movements.length === 0)
      return { position: withReservationChanges(stored, touched.recorded), counted: [], latest };
    const after = onHandAfterLaterMovements(stored.onHand, movements, locked.latest);
    if (after !== undefined)
      return {
        position: positionAfter(stored, touched.recorded, after.onHand),
        counted: after.counts.map((count) => ({ count, restated: false })),
        latest,
      };
    const earliest = movements.map((entry) => entry.at).reduce(earlierBusinessTime);
    const withLate = onHandWithLateMovements(stored.onHand, movements, locked.latest.countAt);
    if (withLate !== undefined) {
      const position = positionAfter(stored, touched.recorded, withLate.onHand);
      const following = await this.ledger.countsFrom(manager, touched, earliest, FOLLOWING_COUNTS_READ);
      const rejudged = rejudgeAfterLateMovements(withLate.late, following.counts, following.complete);
      if (rejudged !== undefined)
        return { position, counted: rejudged.map((count) => ({ count, restated: true })), latest };
      // a count after them has no stored judgement yet: fold the ledger between the counts around them
      const latestLate = withLate.late.map((entry) => entry.at).reduce(laterBusinessTime);
      const ledger = await this.ledger.ledgerBetweenCounts(manager, touched, earliest, latestLate);
      const view = computeStockPosition(touched.warehouseId, touched.sku, ledger);
      return {
        position,
        counted: judgedCounts(touched, ledger, view),
        judged: judgedSince(view, earliest),
        latest,
      };
    }
    const [count] = movements;
    if (movements.length === 1 && count.kind === 'count') {
      // a count dated before other movements: fold between the counts around it only
      const ledger = await this.ledger.ledgerBetweenCounts(manager, touched, count.at, count.at);
      const view = computeStockPosition(touched.warehouseId, touched.sku, ledger);
      const judged = view.counts.find((outcome) => outcome.countId === count.countId);
      if (judged !== undefined) {
        // the view is in ledger order: a count after this one replaces it
        const key = ledgerEntryKey(count);
        const after = view.explained.slice(
          view.explained.findIndex((explained) => explained.key === key) + 1,
        );
        const countedLater = after.some((explained) => explained.entry.kind === 'count');
        return {
          position: positionAfter(
            stored,
            touched.recorded,
            onHandAfterLateCount(stored.onHand, judged, countedLater),
          ),
          counted: judgedCounts(touched, ledger, view),
          judged: judgedSince(view, count.at),
          latest,
        };
      }
    }
    // several movements around counts: fold from the count before the earliest to the end
    const ledger = await this.ledger.ledgerBetweenCounts(manager, touched, earliest);
    const view = computeStockPosition(touched.warehouseId, touched.sku, ledger);
    return {
      position: positionAfter(stored, touched.recorded, view.position.onHand),
      counted: judgedCounts(touched, ledger, view),
      judged: judgedSince(view, earliest),
      latest,
    };
  }
}

/**
 * The counts of a fold from the count before `from` that it judged for sure: those at or after
 * `from`, which come after the fold's first count (the first one itself lacks what is before it).
 */
function judgedSince(view: StockLedgerView, from: string): CountOutcome[] {
  return view.counts.filter((count) => compareBusinessTimes(count.at, from) >= 0);
}

/** A count judged by this event, and whether it had been judged before. */
interface JudgedNow {
  readonly count: CountOutcome;
  readonly restated: boolean;
}

/** Counts read after a late movement's time: its next count is almost always the first. */
const FOLLOWING_COUNTS_READ = 4;

/** A position with no movement yet. */
const NO_MOVEMENTS: LatestMovements = { countAt: undefined, movementAt: undefined };

/** The level of a position that did not exist before the event. */
const NO_LEVEL: StockLevel = { available: 0, reorderPoint: null };

/** A position after {@link settlePosition}: its backorder fill, and what to publish. */
export interface SettledPosition {
  readonly position: StockPosition;
  readonly fill: BackorderFill;
  /** Fills (`stock.reserved`), a crossing (`stock.level-low`) and the position (`position.changed`). */
  readonly events: InventoryDomainEvent[];
}

/**
 * The rules every applied event ends with, on one position already brought up to date: its
 * available units go to its backorders FIFO, the level before the event is compared with the
 * level after it once, and the position is published as it now stands.
 */
export function settlePosition(
  touched: TouchedPosition,
  position: StockPosition,
  queue: readonly Backorder[],
  levelBefore: StockLevel,
): SettledPosition {
  const fill = fillBackorders(queue, position.available, touched);
  const settled =
    fill.reservations.length > 0 ? withReservationChanges(position, fill.reservations) : position;
  const events: InventoryDomainEvent[] = [...fill.events];
  const low = detectLevelLow({
    warehouseId: touched.warehouseId,
    sku: touched.sku,
    at: touched.at,
    before: levelBefore,
    after: { available: settled.available, reorderPoint: levelBefore.reorderPoint },
  });
  if (low !== null) events.push(low);
  events.push(positionChanged(touched, settled, fill.remaining, levelBefore.reorderPoint));
  return { position: settled, fill, events };
}

/**
 * The counts an event's on-hand movements applied or re-judged: each count of the position whose
 * outcome differs from the one the ledger gave without those movements (a new count has none).
 */
function judgedCounts(
  position: TouchedPosition,
  ledger: readonly StockLedgerEntry[],
  view: StockLedgerView,
): JudgedNow[] {
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
    .map((count) => ({ count, restated: earlierOnHand.has(count.countId) }));
}

function countedEvent(count: CountOutcome, restated: boolean): StockCountedEvent {
  return {
    type: 'stock.counted',
    warehouseId: count.warehouseId,
    sku: count.sku,
    countId: count.countId,
    at: count.at,
    countedQuantity: count.countedQuantity,
    onHandAtCount: count.onHandAtCount,
    accurate: count.countAccurate,
    restated,
  };
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
