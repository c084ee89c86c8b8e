import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity, MAX_QUANTITY } from '../../common/quantity';
import { IsRequired } from '../../common/required';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * A warehouse × SKU position as it stands after an applied event changed it (one event per
 * position per applied event), so downstream read models (`GET
 * /kpis/inventory`) can upsert it. Domain topic `opsline.inventory`, subject `warehouseId:sku`.
 */
export const INVENTORY_POSITION_CHANGED_V1 = 'opsline.inventory.position-changed.v1';

/** `data` of `opsline.inventory.position-changed.v1`. */
export class InventoryPositionChangedV1 {
  @IsOpslineId()
  warehouseId!: string;

  @IsOpslineId()
  sku!: string;

  /** Business time of the newest movement (or policy change) applied. */
  @IsUtcTimestamp()
  changedAt!: string;

  /** Negative when shipments ran ahead of receipts (on-hand is not clamped). */
  @IsRequired()
  @IsInt()
  @Min(-MAX_QUANTITY)
  @Max(MAX_QUANTITY)
  onHand!: number;

  /** Units reserved for open order lines. */
  @IsNonNegativeQuantity()
  reserved!: number;

  /** `onHand − reserved`; negative when more is promised than on hand. */
  @IsRequired()
  @IsInt()
  @Min(-MAX_QUANTITY)
  @Max(MAX_QUANTITY)
  available!: number;

  /** Units on backorder waiting for this position's stock. */
  @IsNonNegativeQuantity()
  backordered!: number;

  /** The reorder point in force; absent when none is set. */
  @IsOptional()
  @IsNonNegativeQuantity()
  reorderPoint?: number;
}

/** A validated `opsline.inventory.position-changed.v1` event. */
export type InventoryPositionChangedV1Event = CloudEvent<
  typeof INVENTORY_POSITION_CHANGED_V1,
  InventoryPositionChangedV1
>;
