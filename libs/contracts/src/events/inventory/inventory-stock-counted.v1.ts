import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity, MAX_QUANTITY } from '../../common/quantity';
import { IsRequired } from '../../common/required';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * A cycle count was applied, compared with the on-hand the ledger gives at the count's business
 * time. Published again for the same `countId` (with `restated: true`) when a late movement dated
 * before the count changes that on-hand, so the newest event per `countId` is the truth
 * (`inventoryAccuracy`). Domain topic `opsline.inventory`, subject `warehouseId:sku`.
 */
export const INVENTORY_STOCK_COUNTED_V1 = 'opsline.inventory.stock-counted.v1';

/** `data` of `opsline.inventory.stock-counted.v1`. */
export class InventoryStockCountedV1 {
  @IsOpslineId()
  warehouseId!: string;

  @IsOpslineId()
  sku!: string;

  @IsOpslineId()
  countId!: string;

  /** When the count happened (the warehouse event's `time`). */
  @IsUtcTimestamp()
  countedAt!: string;

  @IsNonNegativeQuantity()
  countedQuantity!: number;

  /** On-hand by the ledger just before the count, at its business time (negative when shipments ran ahead of receipts). */
  @IsRequired()
  @IsInt()
  @Min(-MAX_QUANTITY)
  @Max(MAX_QUANTITY)
  onHandAtCount!: number;

  /** `countedQuantity === onHandAtCount`: the count found the books right. */
  @IsBoolean()
  accurate!: boolean;

  /** True when this re-publishes an earlier count because a late movement changed `onHandAtCount`. */
  @IsOptional()
  @IsBoolean()
  restated?: boolean;
}

/** A validated `opsline.inventory.stock-counted.v1` event. */
export type InventoryStockCountedV1Event = CloudEvent<
  typeof INVENTORY_STOCK_COUNTED_V1,
  InventoryStockCountedV1
>;
