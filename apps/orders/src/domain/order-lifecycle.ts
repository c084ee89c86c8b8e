import type { OrderStatus } from './order-placement';
import { Order, reservesEveryUnit, shippedByLine, totalUnits } from './order-state';

/**
 * Every status change an order can make, and no other. Commands derive the status from the
 * order's facts and refuse (`ORDER.TRANSITION_NOT_ALLOWED`) a change missing here.
 *
 * - PLACED may skip allocation straight to a shipment status: the warehouse topic is not ordered
 *   against the inventory topic, so a shipment can be the first thing heard after placement.
 * - ALLOCATED never goes back to BACKORDERED: inventory does not take reservations back.
 * - SHIPPED → CANCELLED only when a cancellation arrives late but happened (business time)
 *   before the shipments that completed the order: those shipments are then void, exactly as
 *   if they had arrived after the cancellation and been refused.
 * - CANCELLED → SHIPPED only when a shipment arrives late but happened before the cancellation
 *   and, with the others, ships every unit: the cancellation then covers nothing and is void,
 *   exactly as a cancellation arriving after full shipment would have been refused.
 */
export const ORDER_TRANSITIONS: { readonly [From in OrderStatus]: readonly OrderStatus[] } = {
  PLACED: ['ALLOCATED', 'BACKORDERED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'],
  BACKORDERED: ['ALLOCATED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'],
  ALLOCATED: ['PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'],
  PARTIALLY_SHIPPED: ['SHIPPED', 'CANCELLED'],
  SHIPPED: ['CANCELLED'],
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
