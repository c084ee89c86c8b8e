import { IsNonEmptyArrayOf } from '../../common/collections';
import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity } from '../../common/quantity';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * A cancelled order's hold on stock was given up: its open reservations went back to available and
 * its backorders were dropped. Shipped units stay shipped (they are not in here). Domain topic
 * `opsline.inventory`, subject the order id.
 */
export const INVENTORY_STOCK_RELEASED_V1 = 'opsline.inventory.stock-released.v1';

/** What the cancellation gave back for one order line. */
export class InventoryReleasedLineV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  /** Reserved units returned to available. */
  @IsNonNegativeQuantity()
  released!: number;

  /** Backordered units that will no longer be filled. */
  @IsNonNegativeQuantity()
  backorderDropped!: number;
}

/** `data` of `opsline.inventory.stock-released.v1`. */
export class InventoryStockReleasedV1 {
  @IsOpslineId()
  orderId!: string;

  @IsOpslineId()
  warehouseId!: string;

  /** The cancellation's business time. */
  @IsUtcTimestamp()
  releasedAt!: string;

  @IsNonEmptyArrayOf(() => InventoryReleasedLineV1)
  lines!: InventoryReleasedLineV1[];
}

/** A validated `opsline.inventory.stock-released.v1` event. */
export type InventoryStockReleasedV1Event = CloudEvent<
  typeof INVENTORY_STOCK_RELEASED_V1,
  InventoryStockReleasedV1
>;
