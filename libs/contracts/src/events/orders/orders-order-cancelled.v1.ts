import { IsBoolean, IsOptional } from 'class-validator';

import { HasUniqueLineIds, IsNonEmptyArrayOf } from '../../common/collections';
import { IsCurrencyCode } from '../../common/money';
import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity } from '../../common/quantity';
import { IsOneOf } from '../../common/reason-codes';
import { IsText } from '../../common/text';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';
import { ORDERS_ORDER_STATUSES, OrdersLineQuantityV1, OrdersOrderLineStateV1 } from './orders-order-state.v1';

/**
 * The order was cancelled (or its cancellation moved to an earlier business time). Shipped units stay shipped; `unitsCancelled` are the units no shipment shipped.
 * Domain topic `opsline.orders`, subject the order id; carries the whole order (see
 * the fields before the event's own).
 */
export const ORDERS_ORDER_CANCELLED_V1 = 'opsline.orders.order-cancelled.v1';

/** `data` of `opsline.orders.order-cancelled.v1`. */
export class OrdersOrderCancelledV1 {
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

  @IsUtcTimestamp()
  cancelledAt!: string;

  @IsText(1024)
  reason!: string;

  /** Units the cancellation covers per order line (every line, 0 when fully shipped). */
  @IsNonEmptyArrayOf(() => OrdersLineQuantityV1)
  unitsCancelled!: OrdersLineQuantityV1[];
}

/** A validated `opsline.orders.order-cancelled.v1` event. */
export type OrdersOrderCancelledV1Event = CloudEvent<
  typeof ORDERS_ORDER_CANCELLED_V1,
  OrdersOrderCancelledV1
>;
