import { orderRefusal, OrderRefusal } from './order-errors';
import {
  AllocationLine,
  instant,
  Order,
  OrderAllocation,
  OrderShipment,
  shippedByLine,
  ShipmentLine,
} from './order-state';

// The checks and comparisons behind the order commands. A check returns the refusal, or null
// when the fact passes, so commands can chain them with `??`.

/** Shipments in business-time order; the id breaks ties so the order of equal facts is stable. */
export function byBusinessTime(a: OrderShipment, b: OrderShipment): number {
  return instant(a.shippedAt) - instant(b.shippedAt) || compareIds(a.shipmentId, b.shipmentId);
}

function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** A redelivered confirmation may add carrier details; warehouse, time and lines must match. */
export function isSameShipment(a: OrderShipment, b: OrderShipment): boolean {
  return (
    a.warehouseId === b.warehouseId &&
    instant(a.shippedAt) === instant(b.shippedAt) &&
    lineSignature(a.lines) === lineSignature(b.lines)
  );
}

function lineSignature(lines: readonly ShipmentLine[]): string {
  const units = new Map<string, number>();
  for (const line of lines) {
    const key = `${line.lineId}\u0000${line.sku}`;
    units.set(key, (units.get(key) ?? 0) + line.quantity);
  }
  return JSON.stringify([...units].sort(([a], [b]) => compareIds(a, b)));
}

/** Every shipped line is a line of the order, with its sku, of at least one whole unit. */
export function checkShipmentLines(order: Order, shipment: OrderShipment): OrderRefusal | null {
  const orderId = order.facts.orderId;
  if (shipment.lines.length === 0) {
    return orderRefusal('ORDER.INVALID_QUANTITY', orderId, `Shipment "${shipment.shipmentId}" ships nothing`);
  }
  for (const line of shipment.lines) {
    const ordered = order.facts.lines.find((l) => l.lineId === line.lineId);
    if (ordered === undefined || ordered.sku !== line.sku) {
      return orderRefusal(
        'ORDER.UNKNOWN_LINE',
        orderId,
        `The order has no line "${line.lineId}" of sku "${line.sku}"`,
      );
    }
    if (!Number.isInteger(line.quantity) || line.quantity < 1) {
      return orderRefusal(
        'ORDER.INVALID_QUANTITY',
        orderId,
        `Line "${line.lineId}" ships ${line.quantity} units`,
      );
    }
  }
  return null;
}

/** No line ships more units than ordered over all the given shipments. */
export function checkNotOverShipped(order: Order, shipments: readonly OrderShipment[]): OrderRefusal | null {
  const shipped = shippedByLine(order, shipments);
  const over = order.facts.lines.find((line) => (shipped.get(line.lineId) ?? 0) > line.quantity);
  if (over === undefined) return null;
  const message = `Line "${over.lineId}" would ship ${shipped.get(over.lineId)} of ${over.quantity} units`;
  return orderRefusal('ORDER.OVER_SHIPMENT', order.facts.orderId, message);
}

/**
 * Validates an allocation against the order and rewrites it with one entry per order line, in line
 * order, so equal allocations are equal data.
 */
export function normalizeAllocation(
  order: Order,
  allocation: OrderAllocation,
): OrderAllocation | OrderRefusal {
  const orderId = order.facts.orderId;
  if (!Number.isInteger(allocation.attempt) || allocation.attempt < 1) {
    return orderRefusal(
      'ORDER.INVALID_QUANTITY',
      orderId,
      `Allocation attempt ${allocation.attempt} is not 1, 2, …`,
    );
  }
  const reserved = reservedByLine(order, allocation);
  if (!(reserved instanceof Map)) return reserved;
  const lines: AllocationLine[] = order.facts.lines.map((line) => ({
    lineId: line.lineId,
    reservedQuantity: reserved.get(line.lineId) ?? 0,
  }));
  const over = lines.find((line, i) => line.reservedQuantity > order.facts.lines[i].quantity);
  if (over !== undefined) {
    return orderRefusal(
      'ORDER.OVER_ALLOCATION',
      orderId,
      `Line "${over.lineId}" reserves ${over.reservedQuantity}`,
    );
  }
  return {
    attempt: allocation.attempt,
    allocatedAt: allocation.allocatedAt,
    warehouseId: allocation.warehouseId,
    ...(allocation.fillTriggers === undefined ? {} : { fillTriggers: allocation.fillTriggers }),
    lines,
  };
}

function reservedByLine(order: Order, allocation: OrderAllocation): Map<string, number> | OrderRefusal {
  const orderId = order.facts.orderId;
  const reserved = new Map<string, number>();
  for (const line of allocation.lines) {
    if (!order.facts.lines.some((l) => l.lineId === line.lineId)) {
      return orderRefusal('ORDER.UNKNOWN_LINE', orderId, `The order has no line "${line.lineId}"`);
    }
    if (!Number.isInteger(line.reservedQuantity) || line.reservedQuantity < 0) {
      const message = `Line "${line.lineId}" reserves ${line.reservedQuantity}`;
      return orderRefusal('ORDER.INVALID_QUANTITY', orderId, message);
    }
    // A line listed twice reserves the sum, as two pick lists for one order line would.
    reserved.set(line.lineId, (reserved.get(line.lineId) ?? 0) + line.reservedQuantity);
  }
  return reserved;
}
