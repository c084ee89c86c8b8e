import {
  CountEntry,
  ledgerEntryKey,
  onHandChange,
  orderLineKey,
  compareLedgerEntries,
  reservedChange,
  sortLedger,
  StockLedgerEntry,
} from './stock-ledger';
import { compareBusinessTimes, compareIds } from './ordering';

/**
 * A warehouse × SKU position (contract §5). `available = onHand − reserved` and may be negative:
 * a count, a negative adjustment or a shipment beyond its reservation can leave fewer units on hand
 * than are promised. Reservations are then kept (they are promises to customers; un-reserving would
 * silently pick a loser) and the shortfall stays visible as negative available: nothing new is
 * reserved, and the reorder policy sees it as below any reorder point. On-hand itself is not
 * clamped at 0 either, so a shipment confirmed before its receipt arrives still adds up afterwards.
 */
export interface StockPosition {
  readonly warehouseId: string;
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

/** A ledger entry with what it did to the position, in business-time order. */
export interface ExplainedLedgerEntry {
  readonly entry: StockLedgerEntry;
  readonly key: string;
  /** A second copy of a key already applied: kept for the record, with no effect. */
  readonly duplicate: boolean;
  readonly onHandDelta: number;
  readonly reservedDelta: number;
  readonly onHandAfter: number;
  readonly reservedAfter: number;
}

/** A cycle count judged against on-hand at its business time, for `inventoryAccuracy` [countedAt]. */
export interface CountOutcome {
  readonly countId: string;
  readonly warehouseId: string;
  readonly sku: string;
  readonly at: string;
  readonly countedQuantity: number;
  /** On-hand from every movement before the count by business time. */
  readonly onHandAtCount: number;
  /** `countedQuantity === onHandAtCount`. */
  readonly countAccurate: boolean;
}

/** A position with the ledger that explains it. */
export interface StockLedgerView {
  readonly position: StockPosition;
  /** Every entry in business-time order with its effect. */
  readonly explained: readonly ExplainedLedgerEntry[];
  /** Every cycle count in business-time order. */
  readonly counts: readonly CountOutcome[];
  /** Open reservation per order line ({@link orderLineKey}), lines with none left omitted. */
  readonly openReservations: ReadonlyMap<string, number>;
}

/**
 * Folds a position's ledger in business-time order: on-hand follows receipts, restocks, shipments
 * and adjustments and is replaced by each cycle count; movements after a count apply on top of it.
 * Entries are sorted first, so any arrival order of the same entries gives the same view — a count
 * that arrives late still replaces only what happened before it by business time. Entries of other
 * positions are ignored, so a caller may pass a warehouse's whole ledger.
 */
export function computeStockPosition(
  warehouseId: string,
  sku: string,
  entries: Iterable<StockLedgerEntry>,
): StockLedgerView {
  const own = [...entries].filter((entry) => entry.warehouseId === warehouseId && entry.sku === sku);
  const seen = new Set<string>();
  const explained: ExplainedLedgerEntry[] = [];
  const counts: CountOutcome[] = [];
  const openReservations = new Map<string, number>();
  let onHand = 0;
  let reserved = 0;

  for (const entry of sortLedger(own)) {
    const key = ledgerEntryKey(entry);
    if (seen.has(key)) {
      explained.push(explain(entry, key, true, 0, 0, onHand, reserved));
      continue;
    }
    seen.add(key);
    if (entry.kind === 'count') counts.push(judgeCount(entry, onHand));
    const onHandDelta = onHandChange(entry, onHand);
    const reservedDelta = reservedChange(entry);
    onHand += onHandDelta;
    reserved += reservedDelta;
    if (entry.kind === 'reservation' || entry.kind === 'release' || entry.kind === 'shipment') {
      trackLineReservation(openReservations, orderLineKey(entry.orderId, entry.lineId), reservedDelta);
    }
    explained.push(explain(entry, key, false, onHandDelta, reservedDelta, onHand, reserved));
  }

  return {
    position: { warehouseId, sku, onHand, reserved, available: onHand - reserved },
    explained,
    counts,
    openReservations,
  };
}

/**
 * Every position that has at least one entry, ordered by warehouse id then SKU ({@link compareIds}).
 */
export function computeStockPositions(entries: Iterable<StockLedgerEntry>): StockLedgerView[] {
  const byPosition = new Map<string, { warehouseId: string; sku: string; entries: StockLedgerEntry[] }>();
  for (const entry of entries) {
    const key = `${entry.warehouseId}/${entry.sku}`;
    const group = byPosition.get(key) ?? { warehouseId: entry.warehouseId, sku: entry.sku, entries: [] };
    group.entries.push(entry);
    byPosition.set(key, group);
  }
  return [...byPosition.values()]
    .sort((a, b) => compareIds(a.warehouseId, b.warehouseId) || compareIds(a.sku, b.sku))
    .map((group) => computeStockPosition(group.warehouseId, group.sku, group.entries));
}

/** False for reservations and releases, the entries whose effect does not depend on business-time order. */
export function movesOnHand(entry: StockLedgerEntry): boolean {
  return entry.kind !== 'reservation' && entry.kind !== 'release';
}

/**
 * The position after new reservation and release entries, from the stored position alone: they
 * move only reserved, a plain sum whatever their business times, so this equals the fold of the
 * whole ledger (the hot path of allocation, which then need not read the position's history).
 */
export function withReservationChanges(
  position: StockPosition,
  entries: readonly StockLedgerEntry[],
): StockPosition {
  const mover = entries.find(movesOnHand);
  if (mover !== undefined) throw new Error(`${ledgerEntryKey(mover)} moves on-hand; fold the ledger instead`);
  return positionAfter(position, entries, position.onHand);
}

/**
 * The position after new entries, given the on-hand they leave: reserved is a plain sum of their
 * changes whatever their business times, so it needs only the stored position.
 */
export function positionAfter(
  position: StockPosition,
  entries: readonly StockLedgerEntry[],
  onHand: number,
): StockPosition {
  const reserved = entries.reduce((sum, entry) => sum + reservedChange(entry), position.reserved);
  return { ...position, onHand, reserved, available: onHand - reserved };
}

/** The latest business times among a position's other on-hand movements (undefined: none). */
export interface LatestMovements {
  /** Of its cycle counts. */
  readonly countAt: string | undefined;
  /** Of every movement of on-hand, counts included. */
  readonly movementAt: string | undefined;
}

/** `latest` moved on by new entries: the later of each time and the entries' own. */
export function latestMovementsAfter(
  latest: LatestMovements,
  entries: readonly StockLedgerEntry[],
): LatestMovements {
  const later = (at: string | undefined, entry: StockLedgerEntry): string =>
    at === undefined || compareBusinessTimes(entry.at, at) > 0 ? entry.at : at;
  let { countAt, movementAt } = latest;
  for (const entry of entries.filter(movesOnHand)) {
    if (entry.kind === 'count') countAt = later(countAt, entry);
    movementAt = later(movementAt, entry);
  }
  return { countAt, movementAt };
}

/** On-hand after new entries, and the cycle counts among them judged. */
export interface OnHandAfter {
  readonly onHand: number;
  readonly counts: readonly CountOutcome[];
}

/**
 * On-hand after new entries from the stored on-hand alone, when their business times allow it —
 * the usual case, where events arrive roughly in time order:
 * - each new on-hand movement is later than every other one (`latest.movementAt`): they apply on
 *   top of the stored on-hand in ledger order, and a new count is judged against what is before it;
 * - or none of them is a count and each is later than the latest count (`latest.countAt`): they
 *   add to on-hand wherever they fall among other movements, and re-judge no count.
 * Undefined otherwise: the ledger must be folded from the count before the earliest of them.
 */
export function onHandAfterLaterMovements(
  onHand: number,
  entries: readonly StockLedgerEntry[],
  latest: LatestMovements,
): OnHandAfter | undefined {
  const movements = sortLedger(entries.filter(movesOnHand));
  const laterThan = (at: string | undefined) => (entry: StockLedgerEntry) =>
    at === undefined || compareBusinessTimes(entry.at, at) > 0;
  const onTop = movements.every(laterThan(latest.movementAt));
  const additive =
    movements.every((entry) => entry.kind !== 'count') && movements.every(laterThan(latest.countAt));
  if (!onTop && !additive) return undefined;
  let running = onHand;
  const counts: CountOutcome[] = [];
  for (const entry of movements) {
    if (entry.kind === 'count') counts.push(judgeCount(entry, running));
    running += onHandChange(entry, running);
  }
  return { onHand: running, counts };
}

/**
 * On-hand after new movements (no cycle count among them) of which some are dated at or before the
 * position's latest count (`latestCountAt`): that count replaces them, so on-hand moves only by the
 * later ones. Each late one changes only the judgement of the count right after it, which the
 * caller re-judges by folding the ledger between the counts around the `late` ones. Undefined when
 * a count is among the movements or the position has no count (nothing is late then).
 */
export function onHandWithLateMovements(
  onHand: number,
  entries: readonly StockLedgerEntry[],
  latestCountAt: string | undefined,
): { onHand: number; late: StockLedgerEntry[] } | undefined {
  const movements = entries.filter(movesOnHand);
  if (latestCountAt === undefined || movements.some((entry) => entry.kind === 'count')) return undefined;
  const isLate = (entry: StockLedgerEntry) => compareBusinessTimes(entry.at, latestCountAt) <= 0;
  const later = movements.filter((entry) => !isLate(entry));
  return {
    onHand: later.reduce((sum, entry) => sum + onHandChange(entry, sum), onHand),
    late: movements.filter(isLate),
  };
}

/**
 * On-hand after a cycle count dated before other movements, from the stored on-hand and the count's
 * judgement (on-hand just before it): the count replaces what was before it, so on-hand moves by
 * the difference — unless a later count replaces everything before that one anyway.
 */
export function onHandAfterLateCount(onHand: number, judged: CountOutcome, countedLater: boolean): number {
  return countedLater ? onHand : onHand - judged.onHandAtCount + judged.countedQuantity;
}

/** A cycle count with its judgement as last stored. */
export interface JudgedCount {
  readonly count: CountEntry;
  readonly onHandAtCount: number;
}

/**
 * The counts right after late movements (see {@link onHandWithLateMovements}) re-judged from their
 * stored judgements: each late movement moves the judgement of the first count after it in ledger
 * order by its own change, and no other count (that count replaces it). `following` are the
 * position's first counts from the earliest late movement's time on, in ledger order, and
 * `complete` says whether every count up to the last of them was read. Returns the counts whose
 * judgement changed, or undefined when a late movement's next count is not known for sure.
 */
export function rejudgeAfterLateMovements(
  late: readonly StockLedgerEntry[],
  following: readonly JudgedCount[],
  complete: boolean,
): CountOutcome[] | undefined {
  const ordered = [...following].sort((a, b) => compareLedgerEntries(a.count, b.count));
  const shift = new Map<JudgedCount, number>();
  for (const movement of late) {
    const index = ordered.findIndex((judged) => compareLedgerEntries(movement, judged.count) < 0);
    if (index === -1 || (index === ordered.length - 1 && !complete)) return undefined;
    const next = ordered[index];
    shift.set(next, (shift.get(next) ?? 0) + onHandChange(movement, 0));
  }
  return [...shift]
    .filter(([, delta]) => delta !== 0)
    .map(([judged, delta]) => judgeCount(judged.count, judged.onHandAtCount + delta));
}

/** Units still reserved for one order line in a position's view (0 when none). */
export function openReservationOf(view: StockLedgerView, orderId: string, lineId: string): number {
  return view.openReservations.get(orderLineKey(orderId, lineId)) ?? 0;
}

function trackLineReservation(open: Map<string, number>, lineKey: string, delta: number): void {
  const units = (open.get(lineKey) ?? 0) + delta;
  if (units === 0) open.delete(lineKey);
  else open.set(lineKey, units);
}

function judgeCount(entry: CountEntry, onHandAtCount: number): CountOutcome {
  return {
    countId: entry.countId,
    warehouseId: entry.warehouseId,
    sku: entry.sku,
    at: entry.at,
    countedQuantity: entry.countedQuantity,
    onHandAtCount,
    countAccurate: entry.countedQuantity === onHandAtCount,
  };
}

function explain(
  entry: StockLedgerEntry,
  key: string,
  duplicate: boolean,
  onHandDelta: number,
  reservedDelta: number,
  onHandAfter: number,
  reservedAfter: number,
): ExplainedLedgerEntry {
  return { entry, key, duplicate, onHandDelta, reservedDelta, onHandAfter, reservedAfter };
}
