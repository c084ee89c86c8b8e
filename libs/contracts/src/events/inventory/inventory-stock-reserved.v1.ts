import { IsOptional } from 'class-validator';

import { IsNonEmptyArrayOf } from '../../common/collections';
import { IsOpslineId } from '../../common/opsline-id';
import { IsOneOf } from '../../common/reason-codes';
import { IsText } from '../../common/text';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';
import { InventoryFirstAttemptLineV1, InventoryLineUnitsV1 } from './inventory-allocation.v1';

/**
 * Inventory reserved units of an order's lines at one warehouse. Domain topic `opsline.inventory`,
 * subject the order id. `cause` is `allocation` for the order's first allocation attempt (then
 * `firstAttempt` lists every line of the order) or `backorder-fill` when arriving stock filled a
 * backorder first-in-first-out.
 */
export const INVENTORY_STOCK_RESERVED_V1 = 'opsline.inventory.stock-reserved.v1';

/** Why units were reserved. */
export const RESERVATION_CAUSES = ['allocation', 'backorder-fill'] as const;

/** `data` of `opsline.inventory.stock-reserved.v1`. */
export class InventoryStockReservedV1 {
  @IsOpslineId()
  orderId!: string;

  @IsOpslineId()
  warehouseId!: string;

  /** Business time: the order's placedAt for an allocation, the arrival's time for a fill. */
  @IsUtcTimestamp()
  reservedAt!: string;

  @IsOneOf(RESERVATION_CAUSES)
  cause!: (typeof RESERVATION_CAUSES)[number];

  /** `allocation`, or the ledger key of the stock movement that made the fill possible (`receipt:GR-1`). */
  @IsText(256)
  trigger!: string;

  /** The lines that got units now (lines with none are omitted). */
  @IsNonEmptyArrayOf(() => InventoryLineUnitsV1)
  lines!: InventoryLineUnitsV1[];

  /** Every line of the order at its first allocation attempt; present only when `cause` is `allocation`. */
  @IsOptional()
  @IsNonEmptyArrayOf(() => InventoryFirstAttemptLineV1)
  firstAttempt?: InventoryFirstAttemptLineV1[];
}

/** A validated `opsline.inventory.stock-reserved.v1` event. */
export type InventoryStockReservedV1Event = CloudEvent<
  typeof INVENTORY_STOCK_RESERVED_V1,
  InventoryStockReservedV1
>;
