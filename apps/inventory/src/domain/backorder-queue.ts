import {
  ReleasedLine,
  ShippedLine,
  StockReleasedEvent,
  StockReservedEvent,
  StockShippedEvent,
} from './inventory-events';
import { compareBusinessTimes, compareIds, laterBusinessTime } from './ordering';
import { ReleaseEntry, ReservationEntry, ShipmentEntry } from './stock-ledger';

/** Units of an order line still missing at its warehouse, waiting for stock. */
export interface Backorder {
  readonly orderId: string;
  readonly lineId: string;
  readonly warehouseId: string;
  readonly sku: string;
  /** The order's placedAt: the queue's first-in-first-out key. */
  readonly placedAt: string;
  /** Units still missing (> 0; a line with nothing missing has no backorder). */
  readonly quantity: number;
}

/**
 * Backorders in fill order. A queue may hold several positions; every operation looks only at the
 * backorders of the position (or order) it is about, so FIFO holds within each warehouse × SKU.
 */
export type BackorderQueue = readonly Backorder[];

/** Fill order: earlier placedAt first, then order id, then line id ({@link compareIds}). */
export function compareBackorders(a: Backorder, b: Backorder): number {
  return (
    compareBusinessTimes(a.placedAt, b.placedAt) ||
    compareIds(a.orderId, b.orderId) ||
    compareIds(a.lineId, b.lineId)
  );
}

/**
 * Adds backorders in FIFO position. An order placed earlier that arrives late goes ahead of later
 * orders already waiting. A backorder for a line already queued replaces it (same order line, new
 * missing quantity), so applying one allocation twice does not double the demand.
 */
export function enqueueBackorders(queue: BackorderQueue, additions: readonly Backorder[]): BackorderQueue {
  const replaced = new Set(additions.map(lineOf));
  return [...queue.filter((b) => !replaced.has(lineOf(b))), ...additions.filter((b) => b.quantity > 0)].sort(
    compareBackorders,
  );
}

/** Stock that became available at a position, and what made it available. */
export interface StockArrival {
  readonly warehouseId: string;
  readonly sku: string;
  /** Business time of the movement. */
  readonly at: string;
  /**
   * Ledger key of that movement (`receipt:R-1`, `count:C-9`, `release:ORD-1#2`…); becomes the
   * reservations' trigger, so it must be unique per movement.
   */
  readonly trigger: string;
}

/** What a fill decided. */
export interface BackorderFill {
  readonly reservations: readonly ReservationEntry[];
  readonly remaining: BackorderQueue;
  /** One `stock.reserved` (cause `backorder-fill`) per order that got units, in fill order. */
  readonly events: readonly StockReservedEvent[];
}

/**
 * Hands `available` units at a position to its backorders strictly first-in-first-out: the oldest
 * backorder takes what it needs, or everything left (a partial fill, staying at the head); a
 * smaller, younger backorder never jumps a larger, older one. With `available ≤ 0` nothing happens.
 *
 * Call it after every event applied to a position, not only receipts, restocks, positive
 * adjustments and counts up: a release frees units that waiting orders must get before new orders
 * can take them, and any movement dated before the last count (a late shipment, say) leaves on-hand
 * at the counted number while still consuming its reservation, so available rises. A fill is
 * reserved at the arrival's business time, but never before the order was placed.
 */
export function fillBackorders(
  queue: BackorderQueue,
  available: number,
  arrival: StockArrival,
): BackorderFill {
  let left = Math.max(0, available);
  const reservations: ReservationEntry[] = [];
  const remaining: Backorder[] = [];
  for (const backorder of queue) {
    const here = backorder.warehouseId === arrival.warehouseId && backorder.sku === arrival.sku;
    const units = here ? Math.min(left, backorder.quantity) : 0;
    left -= units;
    if (units > 0) reservations.push(fillReservation(backorder, units, arrival));
    if (units < backorder.quantity) remaining.push({ ...backorder, quantity: backorder.quantity - units });
  }
  return { reservations, remaining, events: reservedEventsOf(reservations, arrival) };
}

/** An order cancelled at a warehouse. */
export interface OrderCancellation {
  readonly orderId: string;
  readonly warehouseId: string;
  /** The cancellation's business time. */
  readonly at: string;
}

/** A line's open reservation, as the position fold reports it. */
export interface OpenOrderLine {
  readonly lineId: string;
  readonly sku: string;
  readonly reserved: number;
}

/** What a cancellation decided. */
export interface CancellationRelease {
  readonly releases: readonly ReleaseEntry[];
  readonly dropped: readonly Backorder[];
  readonly remaining: BackorderQueue;
  /** Null when the order had nothing reserved and nothing backordered (e.g. fully shipped). */
  readonly event: StockReleasedEvent | null;
}

/**
 * Cancels an order's hold on stock: every open reservation is released (back to available) and
 * every backorder of the order dropped. Shipped units are not touched — they stay shipped. The
 * caller then runs {@link fillBackorders} for each SKU released, with the release's ledger key as
 * the trigger.
 */
export function releaseCancelledOrder(
  cancellation: OrderCancellation,
  openLines: readonly OpenOrderLine[],
  queue: BackorderQueue,
): CancellationRelease {
  const { orderId, warehouseId, at } = cancellation;
  const releases: ReleaseEntry[] = openLines
    .filter((line) => line.reserved > 0)
    .map((line) => ({
      kind: 'release',
      warehouseId,
      sku: line.sku,
      at,
      orderId,
      lineId: line.lineId,
      quantity: line.reserved,
    }));
  const dropped = queue.filter((b) => b.orderId === orderId);
  const lines = new Map<string, ReleasedLine>();
  for (const r of releases)
    lines.set(r.lineId, { lineId: r.lineId, sku: r.sku, released: r.quantity, backorderDropped: 0 });
  for (const b of dropped) {
    const line = lines.get(b.lineId) ?? { lineId: b.lineId, sku: b.sku, released: 0, backorderDropped: 0 };
    lines.set(b.lineId, { ...line, backorderDropped: line.backorderDropped + b.quantity });
  }
  const eventLines = [...lines.values()].sort((a, b) => compareIds(a.lineId, b.lineId));
  return {
    releases,
    dropped,
    remaining: queue.filter((b) => b.orderId !== orderId),
    event:
      eventLines.length === 0
        ? null
        : { type: 'stock.released', orderId, warehouseId, at, lines: eventLines },
  };
}

/** A shipment confirmation for one order at one warehouse. */
export interface ShipmentToApply {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly warehouseId: string;
  readonly at: string;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number }[];
}

/** What a shipment decided. */
export interface ShipmentConsumption {
  readonly entries: readonly ShipmentEntry[];
  readonly lines: readonly ShippedLine[];
  readonly remaining: BackorderQueue;
  readonly event: StockShippedEvent;
}

/**
 * Applies a shipment: each line's shipped units consume its open reservation first; units shipped
 * beyond it come straight out of unreserved on-hand (the warehouse had them in hand, so the ship
 * is recorded, not refused) and shrink the line's backorder by as much, since those units no
 * longer need filling. `openReserved` reports a line's open reservation (from the position fold).
 * Lines repeated in one confirmation are summed, one ledger entry per line.
 */
export function consumeForShipment(
  shipment: ShipmentToApply,
  openReserved: (lineId: string, sku: string) => number,
  queue: BackorderQueue,
): ShipmentConsumption {
  const { shipmentId, orderId, warehouseId, at } = shipment;
  let remaining = queue;
  const entries: ShipmentEntry[] = [];
  const lines: ShippedLine[] = [];
  for (const line of sumLines(shipment.lines)) {
    const fromReservation = Math.min(line.quantity, Math.max(0, openReserved(line.lineId, line.sku)));
    const unreserved = line.quantity - fromReservation;
    const shrunk = shrinkBackorder(remaining, orderId, line.lineId, unreserved);
    remaining = shrunk.queue;
    const { lineId, sku, quantity } = line;
    entries.push({
      kind: 'shipment',
      warehouseId,
      sku,
      at,
      shipmentId,
      orderId,
      lineId,
      quantity,
      reservationConsumed: fromReservation,
    });
    lines.push({
      lineId,
      sku,
      shipped: quantity,
      fromReservation,
      unreserved,
      backorderReduced: shrunk.reduced,
    });
  }
  return {
    entries,
    lines,
    remaining,
    event: { type: 'stock.shipped', orderId, shipmentId, warehouseId, at, lines },
  };
}

function lineOf(b: { orderId: string; lineId: string }): string {
  return `${b.orderId}#${b.lineId}`;
}

function fillReservation(backorder: Backorder, units: number, arrival: StockArrival): ReservationEntry {
  return {
    kind: 'reservation',
    warehouseId: backorder.warehouseId,
    sku: backorder.sku,
    at: laterBusinessTime(arrival.at, backorder.placedAt),
    orderId: backorder.orderId,
    lineId: backorder.lineId,
    trigger: arrival.trigger,
    quantity: units,
  };
}

function reservedEventsOf(
  reservations: readonly ReservationEntry[],
  arrival: StockArrival,
): StockReservedEvent[] {
  const byOrder = new Map<string, ReservationEntry[]>();
  for (const r of reservations) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), r]);
  return [...byOrder.values()].map((rs) => ({
    type: 'stock.reserved',
    orderId: rs[0].orderId,
    warehouseId: arrival.warehouseId,
    at: rs.map((r) => r.at).reduce(laterBusinessTime),
    cause: 'backorder-fill',
    trigger: arrival.trigger,
    lines: rs.map((r) => ({ lineId: r.lineId, sku: r.sku, quantity: r.quantity })),
  }));
}

function shrinkBackorder(
  queue: BackorderQueue,
  orderId: string,
  lineId: string,
  units: number,
): { queue: BackorderQueue; reduced: number } {
  const waiting = queue.find((b) => b.orderId === orderId && b.lineId === lineId);
  if (waiting === undefined || units <= 0) return { queue, reduced: 0 };
  const reduced = Math.min(units, waiting.quantity);
  const rest = queue.filter((b) => b !== waiting);
  return {
    queue:
      reduced === waiting.quantity
        ? rest
        : enqueueBackorders(rest, [{ ...waiting, quantity: waiting.quantity - reduced }]),
    reduced,
  };
}

function sumLines(lines: ShipmentToApply['lines']): { lineId: string; sku: string; quantity: number }[] {
  const summed = new Map<string, { lineId: string; sku: string; quantity: number }>();
  for (const line of lines) {
    const seen = summed.get(line.lineId);
    summed.set(line.lineId, { ...line, quantity: (seen?.quantity ?? 0) + line.quantity });
  }
  return [...summed.values()];
}
