import { IsNonEmptyArrayOf } from '../../common/collections';
import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity, IsQuantity } from '../../common/quantity';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * A shipment confirmation was applied to stock: on-hand went down and the lines' reservations were
 * consumed. Domain topic `opsline.inventory`, subject the order id.
 */
export const INVENTORY_STOCK_SHIPPED_V1 = 'opsline.inventory.stock-shipped.v1';

/** How one shipped line was covered. `fromReservation + unreserved = shipped`. */
export class InventoryShippedLineV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  /** Units shipped. */
  @IsQuantity()
  shipped!: number;

  /** Units that consumed the line's open reservation. */
  @IsNonNegativeQuantity()
  fromReservation!: number;

  /** Units shipped beyond the reservation, from unreserved on-hand. */
  @IsNonNegativeQuantity()
  unreserved!: number;

  /** Of the unreserved units, those that shrank the line's backorder. */
  @IsNonNegativeQuantity()
  backorderReduced!: number;
}

/** `data` of `opsline.inventory.stock-shipped.v1`. */
export class InventoryStockShippedV1 {
  @IsOpslineId()
  orderId!: string;

  @IsOpslineId()
  shipmentId!: string;

  @IsOpslineId()
  warehouseId!: string;

  /** The shipment's business time. */
  @IsUtcTimestamp()
  shippedAt!: string;

  @IsNonEmptyArrayOf(() => InventoryShippedLineV1)
  lines!: InventoryShippedLineV1[];
}

/** A validated `opsline.inventory.stock-shipped.v1` event. */
export type InventoryStockShippedV1Event = CloudEvent<
  typeof INVENTORY_STOCK_SHIPPED_V1,
  InventoryStockShippedV1
>;
