import { IsInt, Max, Min } from 'class-validator';

import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity, MAX_QUANTITY } from '../../common/quantity';
import { IsRequired } from '../../common/required';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * Available stock of a warehouse × SKU crossed from at-or-above to below its reorder point (once per
 * crossing). Domain topic `opsline.inventory`, subject `warehouseId:sku` (an id, as CloudEvents subjects are).
 */
export const INVENTORY_STOCK_LEVEL_LOW_V1 = 'opsline.inventory.stock-level-low.v1';

/** `data` of `opsline.inventory.stock-level-low.v1`. */
export class InventoryStockLevelLowV1 {
  @IsOpslineId()
  warehouseId!: string;

  @IsOpslineId()
  sku!: string;

  /** Business time of the movement (or policy change) that caused the crossing. */
  @IsUtcTimestamp()
  detectedAt!: string;

  /** On-hand minus reserved after the change; negative when more is promised than on hand. */
  @IsRequired()
  @IsInt()
  @Min(-MAX_QUANTITY)
  @Max(MAX_QUANTITY)
  available!: number;

  /** The reorder point in force. */
  @IsNonNegativeQuantity()
  reorderPoint!: number;
}

/** A validated `opsline.inventory.stock-level-low.v1` event. */
export type InventoryStockLevelLowV1Event = CloudEvent<
  typeof INVENTORY_STOCK_LEVEL_LOW_V1,
  InventoryStockLevelLowV1
>;
