import {
  INVENTORY_STOCK_BACKORDERED_V1,
  INVENTORY_STOCK_RESERVED_V1,
  InventoryFirstAttemptLineV1,
  InventoryStockBackorderedV1,
  InventoryStockReservedV1,
  ORDER_CANCELLED_V1,
  OrderCancelledV1,
  SHIPMENT_CONFIRMED_V1,
  ShipmentConfirmedV1,
} from '@opsline/contracts';
import {
  BackorderFill,
  CancellationRequest,
  cancelOrder,
  OrderCommandResult,
  recordAllocation,
  recordBackorderFill,
  recordShipment,
} from '../domain/order';
import { Order, OrderAllocation, OrderShipment } from '../domain/order-state';

/** A fact about an order, as the aggregate's commands take it. */
export type OrderFact =
  | { readonly kind: 'allocation'; readonly allocation: OrderAllocation }
  | { readonly kind: 'backorder-fill'; readonly fill: BackorderFill }
  | { readonly kind: 'shipment'; readonly shipment: OrderShipment }
  | { readonly kind: 'cancellation'; readonly request: CancellationRequest };

/** The parts of a consumed (or parked) CloudEvent a fact is read from. */
export interface FactEvent {
  readonly type: string;
  readonly time: string;
  readonly data: unknown;
}

/** Applies a fact to the order through its command. */
export function applyFact(order: Order, fact: OrderFact): OrderCommandResult {
  if (fact.kind === 'allocation') return recordAllocation(order, fact.allocation);
  if (fact.kind === 'backorder-fill') return recordBackorderFill(order, fact.fill);
  if (fact.kind === 'shipment') return recordShipment(order, fact.shipment);
  return cancelOrder(order, fact.request);
}

/**
 * The order fact a validated event carries, with its order id; null for an event that says
 * nothing to the order lifecycle (a backorder fill: only first-attempt results are recorded).
 */
export function orderFactOf(event: FactEvent): { orderId: string; fact: OrderFact } | null {
  switch (event.type) {
    case SHIPMENT_CONFIRMED_V1: {
      const data = event.data as ShipmentConfirmedV1;
      const shipment: OrderShipment = {
        shipmentId: data.shipmentId,
        warehouseId: data.warehouseId,
        shippedAt: event.time,
        lines: data.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
        ...(data.carrier === undefined ? {} : { carrier: data.carrier }),
        ...(data.trackingNumber === undefined ? {} : { trackingNumber: data.trackingNumber }),
      };
      return { orderId: data.orderId, fact: { kind: 'shipment', shipment } };
    }
    case ORDER_CANCELLED_V1: {
      const data = event.data as OrderCancelledV1;
      return {
        orderId: data.orderId,
        fact: { kind: 'cancellation', request: { cancelledAt: event.time, reason: data.reason } },
      };
    }
    case INVENTORY_STOCK_RESERVED_V1: {
      const data = event.data as InventoryStockReservedV1;
      if (data.cause === 'backorder-fill') {
        const fill: BackorderFill = {
          trigger: data.trigger,
          filledAt: data.reservedAt,
          warehouseId: data.warehouseId,
          lines: data.lines.map(({ lineId, quantity }) => ({ lineId, quantity })),
        };
        return { orderId: data.orderId, fact: { kind: 'backorder-fill', fill } };
      }
      if (data.firstAttempt === undefined) return null;
      return firstAttemptFact(data.orderId, data.warehouseId, data.reservedAt, data.firstAttempt);
    }
    case INVENTORY_STOCK_BACKORDERED_V1: {
      const data = event.data as InventoryStockBackorderedV1;
      return firstAttemptFact(data.orderId, data.warehouseId, data.placedAt, data.firstAttempt);
    }
    default:
      return null;
  }
}

/** Inventory's first allocation attempt (on stock-reserved and stock-backordered alike) as attempt 1. */
function firstAttemptFact(
  orderId: string,
  warehouseId: string,
  allocatedAt: string,
  lines: readonly InventoryFirstAttemptLineV1[],
): { orderId: string; fact: OrderFact } {
  const allocation: OrderAllocation = {
    attempt: 1,
    allocatedAt,
    warehouseId,
    lines: lines.map(({ lineId, reserved }) => ({ lineId, reservedQuantity: reserved })),
  };
  return { orderId, fact: { kind: 'allocation', allocation } };
}
