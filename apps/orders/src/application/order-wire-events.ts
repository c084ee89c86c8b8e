import {
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
  ORDERS_ORDER_SHIPPED_V1,
  ORDERS_TOPIC,
} from '@opsline/contracts';
import { OutboxEntry } from '@opsline/messaging';
import { randomUUID } from 'node:crypto';
import type { OrderDomainEvent, OrderView } from '../domain/order-events';
import type { OrderShipment } from '../domain/order-state';

/** Where the events of one applied fact came from (CloudEvents causation and correlation). */
export interface OrderEventCause {
  readonly eventId?: string;
  readonly correlationId?: string;
}

const WIRE_TYPES = {
  'order-allocated': ORDERS_ORDER_ALLOCATED_V1,
  'order-backordered': ORDERS_ORDER_BACKORDERED_V1,
  'order-partially-shipped': ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  'order-shipped': ORDERS_ORDER_SHIPPED_V1,
  'order-cancelled': ORDERS_ORDER_CANCELLED_V1,
  'order-shipped-after-cancellation': ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
} as const;

/**
 * The outbox entries (`opsline.orders`) of the aggregate's events. `order-cancellation-voided` has
 * no wire type: the `order-shipped` event published with it already shows the order SHIPPED with
 * nothing cancelled, which is all a consumer upserting by order id needs.
 */
export function orderOutboxEntries(
  events: readonly OrderDomainEvent[],
  cause: OrderEventCause,
): OutboxEntry[] {
  return events.flatMap((event) => {
    const data = wireData(event);
    if (data === null || event.type === 'order-cancellation-voided') return [];
    return [
      {
        topic: ORDERS_TOPIC,
        event: {
          specversion: '1.0',
          id: randomUUID(),
          source: '/services/orders',
          type: WIRE_TYPES[event.type],
          time: event.occurredAt,
          subject: event.orderId,
          datacontenttype: 'application/json',
          ...(cause.eventId === undefined ? {} : { causationid: cause.eventId }),
          ...(cause.correlationId === undefined ? {} : { correlationid: cause.correlationId }),
          data,
        },
      },
    ];
  });
}

function wireData(event: OrderDomainEvent): Record<string, unknown> | null {
  const state = stateData(event.order, event.occurredAt);
  switch (event.type) {
    case 'order-allocated':
    case 'order-backordered':
      return {
        ...state,
        attempt: event.allocation.attempt,
        firstAttempt: event.firstAttempt,
        allocatedAt: event.allocation.allocatedAt,
        allocationWarehouseId: event.allocation.warehouseId,
        reservedLines: event.allocation.lines.map((l) => ({
          lineId: l.lineId,
          quantity: l.reservedQuantity,
        })),
      };
    case 'order-partially-shipped':
    case 'order-shipped':
      return { ...state, ...shipmentData(event.shipment) };
    case 'order-cancelled':
      return {
        ...state,
        cancelledAt: event.cancellation.cancelledAt,
        reason: event.cancellation.reason,
        unitsCancelled: event.cancellation.unitsCancelled.map(({ lineId, quantity }) => ({
          lineId,
          quantity,
        })),
      };
    case 'order-shipped-after-cancellation':
      return {
        ...state,
        ...shipmentData(event.shipment),
        cancelledAt: event.cancellation.cancelledAt,
        reason: event.cancellation.reason,
        code: event.code,
      };
    default:
      return null;
  }
}

function stateData(view: OrderView, occurredAt: string): Record<string, unknown> {
  return {
    orderId: view.orderId,
    channel: view.channel,
    currency: view.currency,
    placedAt: view.placedAt,
    promisedShipBy: view.promisedShipBy,
    ...(view.warehouseId === null ? {} : { warehouseId: view.warehouseId }),
    ...(view.customerId === null ? {} : { customerId: view.customerId }),
    status: view.status,
    occurredAt,
    lines: view.lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      ...(line.reservedAtFirstAttempt === null
        ? {}
        : { reservedAtFirstAttempt: line.reservedAtFirstAttempt }),
      shippedQuantity: line.shippedQuantity,
      cancelledQuantity: line.cancelledQuantity,
    })),
    ...(view.wasBackorderedAtFirstAttempt === null
      ? {}
      : { wasBackorderedAtFirstAttempt: view.wasBackorderedAtFirstAttempt }),
    shipmentCount: view.shipmentCount,
    ...(view.lastShipmentAt === null ? {} : { lastShipmentAt: view.lastShipmentAt }),
    isComplete: view.isComplete,
    ...(view.onTime === null ? {} : { onTime: view.onTime }),
  };
}

function shipmentData(shipment: OrderShipment): Record<string, unknown> {
  return {
    shipmentId: shipment.shipmentId,
    shippedAt: shipment.shippedAt,
    shipmentWarehouseId: shipment.warehouseId,
    shipmentLines: shipment.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
    ...(shipment.carrier === undefined ? {} : { carrier: shipment.carrier }),
    ...(shipment.trackingNumber === undefined ? {} : { trackingNumber: shipment.trackingNumber }),
  };
}
