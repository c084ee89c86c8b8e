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
 * A shipment was recorded and with it every unit has shipped (status SHIPPED). A cancellation recorded earlier covers nothing and is void.
 * Domain topic `opsline.orders`, subject the order id; carries the whole order (see
 * the fields before the event's own).
 */
export const ORDERS_ORDER_SHIPPED_V1 = 'opsline.orders.order-shipped.v1';

/** `data` of `opsline.orders.order-shipped.v1`. */
export class OrdersOrderShippedV1 {
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
}

/** A validated `opsline.orders.order-shipped.v1` event. */
export type OrdersOrderShippedV1Event = CloudEvent<typeof ORDERS_ORDER_SHIPPED_V1, OrdersOrderShippedV1>;
