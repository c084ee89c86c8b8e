import { cancelledByLine, instant, Order, reservesEveryUnit, shippedByLine } from './order-state';

/**
 * Whether the order is complete in the KPI sense (contract §5 `ordersShipped`): every unit shipped
 * or cancelled, and at least one shipped. A cancelled order with a partial shipment is complete.
 */
export function isComplete(order: Order): boolean {
  const shipped = shippedByLine(order);
  const cancelled = cancelledByLine(order);
  const everyUnitSettled = order.facts.lines.every(
    (line) => (shipped.get(line.lineId) ?? 0) + (cancelled.get(line.lineId) ?? 0) === line.quantity,
  );
  return everyUnitSettled && shipmentCount(order) > 0;
}

/** Business time of the latest accepted shipment, or null when nothing shipped. */
export function lastShipmentAt(order: Order): string | null {
  // Shipments are kept sorted by business time, so the last one is the latest.
  return order.shipments.at(-1)?.shippedAt ?? null;
}

/** Number of accepted shipment confirmations (one for a perfect order). */
export function shipmentCount(order: Order): number {
  return order.shipments.length;
}

/**
 * Whether the first allocation attempt left any line not fully reserved (contract §5
 * `backorderRate`); null while the first attempt's result has not been heard.
 */
export function wasBackorderedAtFirstAttempt(order: Order): boolean | null {
  if (order.firstAllocation === null) return null;
  return !reservesEveryUnit(order, order.firstAllocation);
}

/**
 * Whether the order's last shipment was at or before `promisedShipBy` (contract §5
 * `onTimeShipmentRate`); null until the order is complete, since a later shipment could still
 * make it late.
 */
export function onTime(order: Order): boolean | null {
  const last = lastShipmentAt(order);
  if (!isComplete(order) || last === null) return null;
  return instant(last) <= instant(order.facts.promisedShipBy);
}
