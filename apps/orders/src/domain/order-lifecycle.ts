import type { OrderStatus } from './order-placement';
import { Order, reservesEveryUnit, shippedByLine, totalUnits } from './order-state';

/**
 * Every status change an order can make, and no other. Commands derive the status from the
 * order's facts and refuse (`ORDER.TRANSITION_NOT_ALLOWED`) a change missing here.
 *
 * - PLACED may skip allocation straight to a shipment status: the warehouse topic is not ordered
 *   against the inventory topic, so a shipment can be the first thing heard after placement.
 * - ALLOCATED never goes back to BACKORDERED: inventory does not take reservations back.
 * - SHIPPED is final: shipments are never voided, so a cancellation of a fully shipped order
 *   covers nothing and is refused (`ORDER.ALREADY_SHIPPED`).
 * - CANCELLED → SHIPPED when shipments recorded after the cancellation (whatever their business
 *   time) ship every unit: the cancellation then covers nothing and is void, exactly as a
 *   cancellation arriving after full shipment would have been refused.
 */
export const ORDER_TRANSITIONS: { readonly [From in OrderStatus]: readonly OrderStatus[] } = {
  PLACED: ['ALLOCATED', 'BACKORDERED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'],
  BACKORDERED: ['ALLOCATED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'],
  ALLOCATED: ['PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'],
  PARTIALLY_SHIPPED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: [],
  CANCELLED: ['SHIPPED'],
};

/** Whether the lifecycle has the edge `from → to` (staying in a status is not a transition). */
export function isAllowedTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/**
 * The status an order's facts put it in. A cancellation wins (contract §4: cancelled after a
 * partial shipment is CANCELLED); then shipments; allocation only matters before any shipment.
 */
export function statusOf(order: Omit<Order, 'status' | 'history'>): OrderStatus {
  if (order.cancellation !== null) return 'CANCELLED';
  const shipped = [...shippedByLine(order).values()].reduce((sum, units) => sum + units, 0);
  if (shipped > 0) return shipped === totalUnits(order.facts.lines) ? 'SHIPPED' : 'PARTIALLY_SHIPPED';
  if (order.latestAllocation === null) return 'PLACED';
  return reservesEveryUnit(order, order.latestAllocation) ? 'ALLOCATED' : 'BACKORDERED';
}
