import { IsOptional } from 'class-validator';

import { HasUniqueLineIds, IsNonEmptyArrayOf } from '../../common/collections';
import { IsCurrencyCode, IsMoneyMinor } from '../../common/money';
import { IsOpslineId } from '../../common/opsline-id';
import { IsQuantity } from '../../common/quantity';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';

/** A sales channel placed an order; `placedAt` is the event `time`. Ingest topic `opsline.ingest.orders`. */
export const ORDER_PLACED_V1 = 'opsline.order.placed.v1';

/** One ordered line of {@link OrderPlacedV1}. */
export class OrderPlacedLineV1 {
  /** The line's id, unique within the order; returns and shipments refer to it. */
  @IsOpslineId()
  lineId!: string;

  /** The ordered stock-keeping unit. */
  @IsOpslineId()
  sku!: string;

  /** Units ordered, an integer ≥ 1. */
  @IsQuantity()
  quantity!: number;

  /** Price of one unit in minor units of the order's currency, an integer ≥ 0. */
  @IsMoneyMinor()
  unitPriceMinor!: number;
}

/** `data` of `opsline.order.placed.v1`. */
export class OrderPlacedV1 {
  /** The order's id (`ORD-1001`); the event's `subject`. */
  @IsOpslineId()
  orderId!: string;

  /** The sales channel the order came from (`webshop`), an id; KPIs filter by it. */
  @IsOpslineId()
  channel!: string;

  /** ISO-4217 currency of every `unitPriceMinor` (`EUR`). */
  @IsCurrencyCode()
  currency!: string;

  /** The latest on-time shipping time, UTC with milliseconds. */
  @IsUtcTimestamp()
  promisedShipBy!: string;

  /** Warehouse that must ship the order; when absent, inventory allocates one. */
  @IsOptional()
  @IsOpslineId()
  warehouseId?: string;

  /** The customer's id at the channel, when the channel shares it. */
  @IsOptional()
  @IsOpslineId()
  customerId?: string;

  /** The ordered lines: at least one, each `lineId` once. */
  @IsNonEmptyArrayOf(() => OrderPlacedLineV1)
  @HasUniqueLineIds()
  lines!: OrderPlacedLineV1[];
}

/** A validated `opsline.order.placed.v1` event. */
export type OrderPlacedV1Event = CloudEvent<typeof ORDER_PLACED_V1, OrderPlacedV1>;
