import { IsBoolean, IsOptional } from 'class-validator';

import { HasUniqueLineIds, IsNonEmptyArrayOf } from '../../common/collections';
import { IsCurrencyCode } from '../../common/money';
import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity } from '../../common/quantity';
import { IsOneOf } from '../../common/reason-codes';
import { IsText } from '../../common/text';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';
import { ORDERS_ORDER_STATUSES, OrdersOrderLineStateV1, OrdersShipmentLineV1 } from './orders-order-state.v1';

/**
 * An anomaly for operations: a shipment happened (business time) after the order was cancelled. It is recorded all the same (goods that left are shipped) and the cancellation covers only the rest.
 * Domain topic `opsline.orders`, subject the order id; carries the whole order (see
 * the fields before the event's own).
 */
export const ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1 =
  'opsline.orders.order-shipped-after-cancellation.v1';

/** `data` of `opsline.orders.order-shipped-after-cancellation.v1`. */
export class OrdersOrderShippedAfterCancellationV1 {
  @IsOpslineId()
  orderId!: string;

  @IsOpslineId()
  channel!: string;

  @IsCurrencyCode()
  currency!: string;

  @IsUtcTimestamp()
  placedAt!: string;

  @IsUtcTimestamp()
  promisedShipBy!: string;

  /** The warehouse the channel asked for, else the one the first allocation chose; absent if neither. */
  @IsOptional()
  @IsOpslineId()
  warehouseId?: string;

  @IsOptional()
  @IsOpslineId()
  customerId?: string;

  @IsOneOf(ORDERS_ORDER_STATUSES)
  status!: (typeof ORDERS_ORDER_STATUSES)[number];

  /** Business time of the fact behind the event. */
  @IsUtcTimestamp()
  occurredAt!: string;

  @IsNonEmptyArrayOf(() => OrdersOrderLineStateV1)
  @HasUniqueLineIds()
  lines!: OrdersOrderLineStateV1[];

  /** Whether the first allocation attempt left any line short; absent until it is heard. */
  @IsOptional()
  @IsBoolean()
  wasBackorderedAtFirstAttempt?: boolean;

  /** Number of recorded shipment confirmations. */
  @IsNonNegativeQuantity()
  shipmentCount!: number;

  /** Business time of the latest shipment; absent when nothing shipped. */
  @IsOptional()
  @IsUtcTimestamp()
  lastShipmentAt?: string;

  /** Every unit shipped or cancelled and at least one shipped (contract §5 `ordersShipped`). */
  @IsBoolean()
  isComplete!: boolean;

  /** Last shipment at or before `promisedShipBy`; present only once the order is complete. */
  @IsOptional()
  @IsBoolean()
  onTime?: boolean;

  @IsOpslineId()
  shipmentId!: string;

  /** When the goods left the warehouse (business time). */
  @IsUtcTimestamp()
  shippedAt!: string;

  @IsOpslineId()
  shipmentWarehouseId!: string;

  @IsNonEmptyArrayOf(() => OrdersShipmentLineV1)
  shipmentLines!: OrdersShipmentLineV1[];

  @IsOptional()
  @IsText(128)
  carrier?: string;

  @IsOptional()
  @IsText(128)
  trackingNumber?: string;

  /** The cancellation the shipment came after. */
  @IsUtcTimestamp()
  cancelledAt!: string;

  @IsText(1024)
  reason!: string;

  /** Stable code of the anomaly. */
  @IsOneOf(['ORDER.SHIPPED_AFTER_CANCELLATION'])
  code!: 'ORDER.SHIPPED_AFTER_CANCELLATION';
}

/** A validated `opsline.orders.order-shipped-after-cancellation.v1` event. */
export type OrdersOrderShippedAfterCancellationV1Event = CloudEvent<
  typeof ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
  OrdersOrderShippedAfterCancellationV1
>;
