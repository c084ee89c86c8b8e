import type { OrderEventType } from './order-events';
import type { OrderPlacement, OrderStatus } from './order-placement';

/** What the channel said when it placed the order; never changes afterwards. */
export type OrderFacts = OrderPlacement;

/** One ordered line. */
export type OrderLine = OrderFacts['lines'][number];

/** A quantity of one order line. */
export interface LineQuantity {
  readonly lineId: string;
  readonly quantity: number;
}

/** Units inventory reserved for one line. */
export interface AllocationLine {
  readonly lineId: string;
  readonly reservedQuantity: number;
}

/**
 * The result of one allocation attempt by inventory. `attempt` 1 is the first attempt, the one the
 * fill-rate and backorder KPIs are about; later attempts (reserving backordered lines) count up.
 * Reservations are cumulative: an attempt states everything reserved for the order so far.
 */
export interface OrderAllocation {
  readonly attempt: number;
  readonly allocatedAt: string;
  readonly warehouseId: string;
  /** As recorded: one entry per order line, in the order's line order, missing lines as 0. */
  readonly lines: readonly AllocationLine[];
  /**
   * The backorder fills (inventory's `trigger` of each) this attempt adds up: a fill makes the next
   * attempt from the latest one, so the same fill sent again is recognized and has no effect.
   */
  readonly fillTriggers?: readonly string[];
}

/** One shipped line of a shipment confirmation. */
export interface ShipmentLine {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
}

/** A shipment confirmation from the warehouse; `shippedAt` is when the goods left (business time). */
export interface OrderShipment {
  readonly shipmentId: string;
  readonly warehouseId: string;
  readonly shippedAt: string;
  readonly lines: readonly ShipmentLine[];
  readonly carrier?: string;
  readonly trackingNumber?: string;
}

/** The order's cancellation; it covers exactly the units not shipped by `cancelledAt`. */
export interface OrderCancellation {
  readonly cancelledAt: string;
  readonly reason: string;
  /** One entry per order line, in the order's line order; shipped units are never cancelled. */
  readonly unitsCancelled: readonly LineQuantity[];
}

/** One status change, for the order's history. */
export interface OrderTransition {
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  /** Business time of the fact that caused it. */
  readonly at: string;
  readonly cause: OrderEventType;
}

/**
 * The order aggregate's state: plain, immutable data (it persists as JSON as it is). Shipped
 * quantities are derived from `shipments`, so they cannot disagree with the shipment records.
 */
export interface Order {
  readonly facts: OrderFacts;
  readonly status: OrderStatus;
  /** The first allocation attempt's result, kept as it was whatever later attempts say. */
  readonly firstAllocation: OrderAllocation | null;
  /** The allocation attempt with the highest number seen; it decides ALLOCATED vs BACKORDERED. */
  readonly latestAllocation: OrderAllocation | null;
  /** Accepted shipments, sorted by business time then shipment id (so equal facts, equal state). */
  readonly shipments: readonly OrderShipment[];
  readonly cancellation: OrderCancellation | null;
  /** Status changes in the order they were applied (arrival order, unlike everything else). */
  readonly history: readonly OrderTransition[];
}

/** A newly placed order: PLACED, nothing allocated, shipped or cancelled. */
export function orderFromPlacement(placement: OrderPlacement): Order {
  return {
    facts: placement,
    status: 'PLACED',
    firstAllocation: null,
    latestAllocation: null,
    shipments: [],
    cancellation: null,
    history: [],
  };
}

/** Milliseconds since the epoch of an ISO-8601 time; comparisons go through this, never strings. */
export function instant(iso: string): number {
  return Date.parse(iso);
}

/** Units per line over the given shipments (by default the order's accepted ones). */
export function shippedByLine(
  order: Pick<Order, 'facts' | 'shipments'>,
  shipments: readonly OrderShipment[] = order.shipments,
): ReadonlyMap<string, number> {
  const shipped = new Map(order.facts.lines.map((line) => [line.lineId, 0]));
  for (const shipment of shipments) {
    for (const line of shipment.lines)
      shipped.set(line.lineId, (shipped.get(line.lineId) ?? 0) + line.quantity);
  }
  return shipped;
}

/** Units per line covered by the cancellation (0 everywhere when not cancelled). */
export function cancelledByLine(order: Pick<Order, 'facts' | 'cancellation'>): ReadonlyMap<string, number> {
  const cancelled = new Map(order.facts.lines.map((line) => [line.lineId, 0]));
  for (const line of order.cancellation?.unitsCancelled ?? []) cancelled.set(line.lineId, line.quantity);
  return cancelled;
}

/** Units per line not shipped by the given shipments: what a cancellation would cover. */
export function unshippedLines(
  order: Pick<Order, 'facts' | 'shipments'>,
  shipments: readonly OrderShipment[],
): LineQuantity[] {
  const shipped = shippedByLine(order, shipments);
  return order.facts.lines.map((line) => ({
    lineId: line.lineId,
    quantity: line.quantity - (shipped.get(line.lineId) ?? 0),
  }));
}

/** Σ quantity of line quantities. */
export function totalUnits(lines: readonly { readonly quantity: number }[]): number {
  return lines.reduce((sum, line) => sum + line.quantity, 0);
}

/** Whether an allocation reserved every ordered unit. */
export function reservesEveryUnit(order: Pick<Order, 'facts'>, allocation: OrderAllocation): boolean {
  const reserved = new Map(allocation.lines.map((line) => [line.lineId, line.reservedQuantity]));
  return order.facts.lines.every((line) => (reserved.get(line.lineId) ?? 0) >= line.quantity);
}
