import { compareBusinessTimes, compareIds } from './ordering';

/**
 * The kinds of stock movement, in the order they apply when several share one business time:
 * stock comes in before it is reserved or shipped, a shipment consumes a reservation before a
 * cancellation releases the rest ("units already shipped stay shipped"), and a cycle count comes
 * last because a movement at the count's instant is not *after* it, so the count replaces it.
 */
export const STOCK_MOVEMENT_KINDS = [
  'receipt',
  'restock',
  'adjustment',
  'reservation',
  'shipment',
  'release',
  'count',
] as const;

/** One kind of stock movement. */
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

/** What every ledger entry carries. */
interface LedgerEntryBase {
  readonly warehouseId: string;
  readonly sku: string;
  /** Business time: when it happened (the event's `time`), ISO-8601 UTC. */
  readonly at: string;
}

/**
 * Goods received (`opsline.wms.goods-received.v1`): on-hand +quantity. One entry per receipt and
 * SKU; a receipt listing a SKU on several lines is summed by the caller.
 */
export interface ReceiptEntry extends LedgerEntryBase {
  readonly kind: 'receipt';
  readonly receiptId: string;
  readonly quantity: number;
}

/** Returned units inspected with disposition RESTOCK (`opsline.wms.return-inspected.v1`): on-hand +quantity. */
export interface RestockEntry extends LedgerEntryBase {
  readonly kind: 'restock';
  readonly returnId: string;
  readonly lineId: string;
  /**
   * The inspection event's id: a return may be inspected in several events and the payload has no
   * inspection id, so this is what tells two restocks of the same line apart.
   */
  readonly inspectionRef: string;
  readonly quantity: number;
}

/** A stock adjustment (`opsline.wms.stock-adjusted.v1`): on-hand ± quantityDelta. */
export interface AdjustmentEntry extends LedgerEntryBase {
  readonly kind: 'adjustment';
  readonly adjustmentId: string;
  /** Signed, never 0. */
  readonly quantityDelta: number;
}

/** A cycle count (`opsline.wms.stock-counted.v1`): on-hand becomes countedQuantity. */
export interface CountEntry extends LedgerEntryBase {
  readonly kind: 'count';
  readonly countId: string;
  readonly countedQuantity: number;
}

/** Units reserved for an order line: reserved +quantity. Made by allocation or a backorder fill. */
export interface ReservationEntry extends LedgerEntryBase {
  readonly kind: 'reservation';
  readonly orderId: string;
  readonly lineId: string;
  /** `allocation`, or the ledger key of the movement whose stock filled the backorder. */
  readonly trigger: string;
  readonly quantity: number;
}

/** A cancelled line's open reservation given back: reserved −quantity. */
export interface ReleaseEntry extends LedgerEntryBase {
  readonly kind: 'release';
  readonly orderId: string;
  readonly lineId: string;
  readonly quantity: number;
}

/**
 * Units shipped for an order line (`opsline.wms.shipment-confirmed.v1`): on-hand −quantity,
 * reserved −reservationConsumed. The consumption is decided once, when the shipment is applied,
 * from the line's open reservation at that moment (0 ≤ reservationConsumed ≤ quantity), so reserved
 * is a plain sum of recorded numbers and cannot depend on the order entries are folded in.
 */
export interface ShipmentEntry extends LedgerEntryBase {
  readonly kind: 'shipment';
  readonly shipmentId: string;
  readonly orderId: string;
  readonly lineId: string;
  readonly quantity: number;
  readonly reservationConsumed: number;
}

/** One movement of one warehouse × SKU position. */
export type StockLedgerEntry =
  | ReceiptEntry
  | RestockEntry
  | AdjustmentEntry
  | CountEntry
  | ReservationEntry
  | ReleaseEntry
  | ShipmentEntry;

/** Key of an order line (`#` cannot occur in an id, so the key is unambiguous). */
export function orderLineKey(orderId: string, lineId: string): string {
  return `${orderId}#${lineId}`;
}

/** The ledger key of a cycle count. */
export function countKey(countId: string): string {
  return `count:${countId}`;
}

/**
 * The entry's identity within its position: the same fact recorded twice has the same key, which
 * is how the position fold tells a duplicate from a second movement.
 */
export function ledgerEntryKey(entry: StockLedgerEntry): string {
  switch (entry.kind) {
    case 'receipt':
      return `receipt:${entry.receiptId}`;
    case 'restock':
      return `restock:${entry.returnId}#${entry.lineId}@${entry.inspectionRef}`;
    case 'adjustment':
      return `adjustment:${entry.adjustmentId}`;
    case 'count':
      return countKey(entry.countId);
    case 'reservation':
      return `reservation:${orderLineKey(entry.orderId, entry.lineId)}@${entry.trigger}`;
    case 'release':
      return `release:${orderLineKey(entry.orderId, entry.lineId)}`;
    case 'shipment':
      return `shipment:${entry.shipmentId}#${orderLineKey(entry.orderId, entry.lineId)}`;
  }
}

const KIND_RANK: Readonly<Record<StockMovementKind, number>> = Object.fromEntries(
  STOCK_MOVEMENT_KINDS.map((kind, rank) => [kind, rank]),
) as Record<StockMovementKind, number>;

/** The entry's fields in a fixed order: the last tie-break, so even conflicting duplicates sort the same way everywhere. */
function canonicalForm(entry: StockLedgerEntry): string {
  return JSON.stringify(Object.entries(entry).sort(([a], [b]) => compareIds(a, b)));
}

/**
 * The ledger's total order: business time, then {@link STOCK_MOVEMENT_KINDS} order, then key, then
 * content. Total, so sorting any arrival order of the same entries yields the same sequence.
 */
export function compareLedgerEntries(a: StockLedgerEntry, b: StockLedgerEntry): number {
  return (
    compareBusinessTimes(a.at, b.at) ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
    compareIds(ledgerEntryKey(a), ledgerEntryKey(b)) ||
    compareIds(canonicalForm(a), canonicalForm(b))
  );
}

/** The entries in business-time order (a new array; the input is not touched). */
export function sortLedger(entries: Iterable<StockLedgerEntry>): StockLedgerEntry[] {
  return [...entries].sort(compareLedgerEntries);
}

/** How an entry changes on-hand, given on-hand just before it (a count's change depends on it). */
export function onHandChange(entry: StockLedgerEntry, onHandBefore: number): number {
  switch (entry.kind) {
    case 'receipt':
    case 'restock':
      return entry.quantity;
    case 'adjustment':
      return entry.quantityDelta;
    case 'count':
      return entry.countedQuantity - onHandBefore;
    case 'shipment':
      return -entry.quantity;
    case 'reservation':
    case 'release':
      return 0;
  }
}

/** How an entry changes reserved: reservations add, releases and shipment consumption subtract. */
export function reservedChange(entry: StockLedgerEntry): number {
  switch (entry.kind) {
    case 'reservation':
      return entry.quantity;
    case 'release':
      return -entry.quantity;
    case 'shipment':
      return -entry.reservationConsumed;
    default:
      return 0;
  }
}
