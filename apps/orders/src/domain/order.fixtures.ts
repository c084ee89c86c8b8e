import { cancelOrder, OrderCommandResult, recordAllocation, recordShipment } from './order';
import type { OrderPlacement } from './order-placement';
import { Order, OrderAllocation, orderFromPlacement, OrderShipment } from './order-state';

/** Builders for the order aggregate's specs: readable facts at minutes after a fixed placement. */

const PLACED_AT_MS = Date.UTC(2026, 10, 20, 10, 0, 0);

/** The ISO time `minutes` after the standard placement. */
export function at(minutes: number): string {
  return new Date(PLACED_AT_MS + minutes * 60_000).toISOString();
}

/** Two lines: L1 = 3 × SKU-1 at 10.00, L2 = 2 × SKU-2 at 5.00; promised within a day. */
export const standardPlacement: OrderPlacement = {
  orderId: 'ORD-1',
  channel: 'webshop',
  currency: 'EUR',
  placedAt: at(0),
  promisedShipBy: at(24 * 60),
  customerId: 'CUST-9',
  lines: [
    { lineId: 'L1', sku: 'SKU-1', quantity: 3, unitPriceMinor: 1000 },
    { lineId: 'L2', sku: 'SKU-2', quantity: 2, unitPriceMinor: 500 },
  ],
};

/** A PLACED order (by default the standard one). */
export function placedOrder(placement: OrderPlacement = standardPlacement): Order {
  return orderFromPlacement(placement);
}

/** An allocation attempt reserving the given units per line id. */
export function allocation(
  attempt: number,
  reserved: Readonly<Record<string, number>>,
  allocatedAt = at(1),
  warehouseId = 'WH-1',
): OrderAllocation {
  return {
    attempt,
    allocatedAt,
    warehouseId,
    lines: Object.entries(reserved).map(([lineId, reservedQuantity]) => ({ lineId, reservedQuantity })),
  };
}

/** A shipment of the given units per line id of the standard order (sku taken from the line). */
export function shipment(
  shipmentId: string,
  shippedAt: string,
  units: Readonly<Record<string, number>>,
  warehouseId = 'WH-1',
): OrderShipment {
  const skuOf = new Map(standardPlacement.lines.map((line) => [line.lineId, line.sku]));
  return {
    shipmentId,
    warehouseId,
    shippedAt,
    lines: Object.entries(units).map(([lineId, quantity]) => ({
      lineId,
      sku: skuOf.get(lineId) ?? 'SKU-UNKNOWN',
      quantity,
    })),
  };
}

/** The order after an accepted command; a refusal here is a broken test set-up, so it throws. */
export function accepted(result: OrderCommandResult): Order {
  if (!result.ok) throw new Error(`Expected the command to be accepted, got ${result.refusal.code}`);
  return result.order;
}

/** Applies commands one after the other, each of which must be accepted. */
export function orderAfter(...commands: ((order: Order) => OrderCommandResult)[]): Order {
  return commands.reduce((order, command) => accepted(command(order)), placedOrder());
}

/** A command: record this allocation attempt. */
export const allocate =
  (attempt: OrderAllocation) =>
  (order: Order): OrderCommandResult =>
    recordAllocation(order, attempt);

/** A command: record this shipment. */
export const ship =
  (confirmation: OrderShipment) =>
  (order: Order): OrderCommandResult =>
    recordShipment(order, confirmation);

/** A command: cancel at `minutes` after placement. */
export const cancelAt =
  (minutes: number, reason = 'customer request') =>
  (order: Order): OrderCommandResult =>
    cancelOrder(order, { cancelledAt: at(minutes), reason });

/** The refusal code of a result, or 'accepted'. */
export function outcomeCode(result: OrderCommandResult): string {
  return result.ok ? 'accepted' : result.refusal.code;
}
