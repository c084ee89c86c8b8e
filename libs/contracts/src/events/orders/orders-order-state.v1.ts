import { IsOptional } from 'class-validator';

import { IsMoneyMinor } from '../../common/money';
import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity, IsQuantity } from '../../common/quantity';

/**
 * The lifecycle events on `opsline.orders` (order-allocated, -backordered, -partially-shipped,
 * -shipped, -cancelled, -shipped-after-cancellation) each carry the whole order as it stands after
 * the event, then the event's own fields, so a consumer can upsert by order id whatever it missed.
 * This file holds the item classes they share.
 */

/** Order statuses as the resource API shows them (contract §4). */
export const ORDERS_ORDER_STATUSES = [
  'PLACED',
  'ALLOCATED',
  'BACKORDERED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'CANCELLED',
] as const;

/** One order line as it stands after the event: price, first-attempt reservation, shipped, cancelled. */
export class OrdersOrderLineStateV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  /** Units ordered. */
  @IsQuantity()
  quantity!: number;

  @IsMoneyMinor()
  unitPriceMinor!: number;

  /** Units reserved at the first allocation attempt; absent until that attempt is heard. */
  @IsOptional()
  @IsNonNegativeQuantity()
  reservedAtFirstAttempt?: number;

  /** Units shipped so far, over every shipment. */
  @IsNonNegativeQuantity()
  shippedQuantity!: number;

  /** Units the cancellation covers (never shipped units). */
  @IsNonNegativeQuantity()
  cancelledQuantity!: number;
}

/** Units of one order line (0 allowed: a line the fact does not touch). */
export class OrdersLineQuantityV1 {
  @IsOpslineId()
  lineId!: string;

  @IsNonNegativeQuantity()
  quantity!: number;
}

/** One shipped line of a shipment confirmation. */
export class OrdersShipmentLineV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  @IsQuantity()
  quantity!: number;
}
