import { IsOptional } from 'class-validator';

import { HasUniqueLineIds, IsNonEmptyArrayOf } from '../../common/collections';
import { IsCurrencyCode, IsMoneyMinor } from '../../common/money';
import { IsOpslineId } from '../../common/opsline-id';
import { IsQuantity } from '../../common/quantity';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * The orders service took an order in (status PLACED). Domain topic `opsline.orders`, subject the
 * order id. Carries the whole order so that downstream services need nothing else.
 */
export const ORDERS_ORDER_PLACED_V1 = 'opsline.orders.order-placed.v1';

/** One line of {@link OrdersOrderPlacedV1}. */
export class OrdersOrderLineV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  /** Units ordered. */
  @IsQuantity()
  quantity!: number;

  /** Price of one unit in minor units of the order's currency. */
  @IsMoneyMinor()
  unitPriceMinor!: number;
}

/** `data` of `opsline.orders.order-placed.v1`. */
export class OrdersOrderPlacedV1 {
  @IsOpslineId()
  orderId!: string;

  @IsOpslineId()
  channel!: string;

  @IsCurrencyCode()
  currency!: string;

  /** When the channel placed the order (the ingest event's `time`). */
  @IsUtcTimestamp()
  placedAt!: string;

  @IsUtcTimestamp()
  promisedShipBy!: string;

  /** The warehouse the channel asked for, if any; otherwise inventory allocates one. */
  @IsOptional()
  @IsOpslineId()
  warehouseId?: string;

  @IsOptional()
  @IsOpslineId()
  customerId?: string;

  @IsNonEmptyArrayOf(() => OrdersOrderLineV1)
  @HasUniqueLineIds()
  lines!: OrdersOrderLineV1[];
}

/** A validated `opsline.orders.order-placed.v1` event. */
export type OrdersOrderPlacedV1Event = CloudEvent<typeof ORDERS_ORDER_PLACED_V1, OrdersOrderPlacedV1>;
