import { IsNonNegativeQuantity, IsQuantity } from '../../common/quantity';
import { IsOpslineId } from '../../common/opsline-id';

/**
 * One order line's outcome at the order's first allocation attempt, carried by
 * `opsline.inventory.stock-reserved.v1` (cause `allocation`) and `opsline.inventory.stock-backordered.v1`
 * so that `lineFillRate` and `backorderRate` can be computed from either. `reserved + backordered = ordered`.
 */
export class InventoryFirstAttemptLineV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  /** Units the line asked for. */
  @IsQuantity()
  ordered!: number;

  /** Units reserved at the first attempt. */
  @IsNonNegativeQuantity()
  reserved!: number;

  /** Units that could not be reserved and wait for stock. */
  @IsNonNegativeQuantity()
  backordered!: number;
}

/** Units of one order line. */
export class InventoryLineUnitsV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  @IsQuantity()
  quantity!: number;
}
