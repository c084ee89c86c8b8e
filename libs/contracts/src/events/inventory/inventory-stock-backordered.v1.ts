import { IsNonEmptyArrayOf } from '../../common/collections';
import { IsOpslineId } from '../../common/opsline-id';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';
import { InventoryFirstAttemptLineV1, InventoryLineUnitsV1 } from './inventory-allocation.v1';

/**
 * An order's first allocation attempt could not reserve every unit: the missing units of each short
 * line wait in the warehouse's FIFO backorder queue. Domain topic `opsline.inventory`, subject the order id.
 */
export const INVENTORY_STOCK_BACKORDERED_V1 = 'opsline.inventory.stock-backordered.v1';

/** `data` of `opsline.inventory.stock-backordered.v1`. */
export class InventoryStockBackorderedV1 {
  @IsOpslineId()
  orderId!: string;

  @IsOpslineId()
  warehouseId!: string;

  /** The order's placedAt. */
  @IsUtcTimestamp()
  placedAt!: string;

  /** The short lines with the units still missing. */
  @IsNonEmptyArrayOf(() => InventoryLineUnitsV1)
  lines!: InventoryLineUnitsV1[];

  /** Every line of the order at its first allocation attempt. */
  @IsNonEmptyArrayOf(() => InventoryFirstAttemptLineV1)
  firstAttempt!: InventoryFirstAttemptLineV1[];
}

/** A validated `opsline.inventory.stock-backordered.v1` event. */
export type InventoryStockBackorderedV1Event = CloudEvent<
  typeof INVENTORY_STOCK_BACKORDERED_V1,
  InventoryStockBackorderedV1
>;
