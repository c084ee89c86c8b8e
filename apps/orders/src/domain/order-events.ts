import {
  isComplete,
  lastShipmentAt,
  onTime,
  shipmentCount,
  wasBackorderedAtFirstAttempt,
} from './order-measures';
import type { OrderStatus } from './order-placement';
import {
  cancelledByLine,
  Order,
  OrderAllocation,
  OrderCancellation,
  OrderShipment,
  shippedByLine,
} from './order-state';

/** The domain events an order emits on `opsline.orders` (through the outbox). */
export const ORDER_EVENT_TYPES = [
  'order-allocated',
  'order-backordered',
  'order-partially-shipped',
  'order-shipped',
  'order-cancelled',
  'order-shipped-after-cancellation',
  'order-cancellation-voided',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** One line as downstream sees it: the placement's line plus what has happened to it. */
export interface OrderLineView {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  /** Reserved at the first allocation attempt; null until that attempt is heard. */
  readonly reservedAtFirstAttempt: number | null;
  readonly shippedQuantity: number;
  readonly cancelledQuantity: number;
}

/**
 * The whole order as it stands after the command, carried by every event so a consumer (the KPI
 * service, returns) needs no other source and can upsert by order id, whatever it missed.
 */
export interface OrderView {
  readonly orderId: string;
  readonly channel: string;
  readonly currency: string;
  readonly placedAt: string;
  readonly promisedShipBy: string;
  /** The warehouse the channel asked for, else the one the first allocation chose (contract §4). */
  readonly warehouseId: string | null;
  readonly customerId: string | null;
  readonly status: OrderStatus;
  readonly lines: readonly OrderLineView[];
  readonly firstAllocation: OrderAllocation | null;
  readonly shipments: readonly OrderShipment[];
  readonly cancellation: OrderCancellation | null;
  readonly isComplete: boolean;
  readonly lastShipmentAt: string | null;
  readonly shipmentCount: number;
  readonly wasBackorderedAtFirstAttempt: boolean | null;
  readonly onTime: boolean | null;
}

interface OrderEventBase<Type extends OrderEventType> {
  readonly type: Type;
  readonly orderId: string;
  /** Business time of the fact behind the event (allocation, shipment, cancellation). */
  readonly occurredAt: string;
  readonly order: OrderView;
}

/** An allocation attempt reserved every unit (`order-allocated`) or not (`order-backordered`). */
export interface OrderAllocationEvent extends OrderEventBase<'order-allocated' | 'order-backordered'> {
  readonly allocation: OrderAllocation;
  /** Whether this is the first attempt, the one the fill-rate and backorder KPIs count. */
  readonly firstAttempt: boolean;
}

/**
 * A shipment was recorded: `order-shipped` when with it every unit has shipped, otherwise
 * `order-partially-shipped` (also for a shipment recorded on a CANCELLED order, whenever it
 * happened; its `order.cancellation` then covers fewer units).
 */
export interface OrderShipmentEvent extends OrderEventBase<'order-partially-shipped' | 'order-shipped'> {
  readonly shipment: OrderShipment;
}

/** The order was cancelled (or its cancellation moved to an earlier business time). */
export interface OrderCancelledEvent extends OrderEventBase<'order-cancelled'> {
  readonly cancellation: OrderCancellation;
}

/**
 * An anomaly for operations: a shipment happened (business time) after the order's cancellation.
 * It is recorded all the same (goods that left are shipped); the cancellation covers the rest.
 * Emitted once per shipment, when whichever of the two arrives second is applied.
 */
export interface OrderShippedAfterCancellationEvent extends OrderEventBase<'order-shipped-after-cancellation'> {
  readonly shipment: OrderShipment;
  readonly cancellation: Pick<OrderCancellation, 'cancelledAt' | 'reason'>;
  readonly code: 'ORDER.SHIPPED_AFTER_CANCELLATION';
}

/**
 * A recorded cancellation turned out to come after every unit had shipped (business time): the
 * order is shipped, not cancelled, as if the cancellation had been refused on arrival.
 */
export interface OrderCancellationVoidedEvent extends OrderEventBase<'order-cancellation-voided'> {
  readonly cancellation: Pick<OrderCancellation, 'cancelledAt' | 'reason'>;
  readonly code: 'ORDER.ALREADY_SHIPPED';
}

/** Any event an order emits. */
export type OrderDomainEvent =
  | OrderAllocationEvent
  | OrderShipmentEvent
  | OrderCancelledEvent
  | OrderShippedAfterCancellationEvent
  | OrderCancellationVoidedEvent;

/** The downstream view of an order (see {@link OrderView}). */
export function orderView(order: Order): OrderView {
  const { facts } = order;
  const shipped = shippedByLine(order);
  const cancelled = cancelledByLine(order);
  const reserved = new Map(order.firstAllocation?.lines.map((l) => [l.lineId, l.reservedQuantity]));
  return {
    orderId: facts.orderId,
    channel: facts.channel,
    currency: facts.currency,
    placedAt: facts.placedAt,
    promisedShipBy: facts.promisedShipBy,
    warehouseId:
      facts.warehouseId ?? order.firstAllocation?.warehouseId ?? order.latestAllocation?.warehouseId ?? null,
    customerId: facts.customerId ?? null,
    status: order.status,
    lines: facts.lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      reservedAtFirstAttempt: order.firstAllocation === null ? null : (reserved.get(line.lineId) ?? 0),
      shippedQuantity: shipped.get(line.lineId) ?? 0,
      cancelledQuantity: cancelled.get(line.lineId) ?? 0,
    })),
    firstAllocation: order.firstAllocation,
    shipments: order.shipments,
    cancellation: order.cancellation,
    isComplete: isComplete(order),
    lastShipmentAt: lastShipmentAt(order),
    shipmentCount: shipmentCount(order),
    wasBackorderedAtFirstAttempt: wasBackorderedAtFirstAttempt(order),
    onTime: onTime(order),
  };
}
