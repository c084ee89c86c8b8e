import { IsOpslineId } from '../../common/opsline-id';
import { IsQuantityDelta } from '../../common/quantity';
import { IsStockAdjustmentReasonCode, type StockAdjustmentReasonCode } from '../../common/reason-codes';
import type { CloudEvent } from '../../envelope/cloud-event';

/** A warehouse corrected on-hand stock of one SKU up or down. Ingest topic `opsline.ingest.warehouse`. */
export const STOCK_ADJUSTED_V1 = 'opsline.wms.stock-adjusted.v1';

/** `data` of `opsline.wms.stock-adjusted.v1`. */
export class StockAdjustedV1 {
  /** The warehouse whose stock changed. */
  @IsOpslineId()
  warehouseId!: string;

  /** The adjustment's id in the warehouse system. */
  @IsOpslineId()
  adjustmentId!: string;

  /** The adjusted stock-keeping unit. */
  @IsOpslineId()
  sku!: string;

  /** Change of on-hand units: a non-zero integer, negative for a loss. */
  @IsQuantityDelta()
  quantityDelta!: number;

  /** Why: DAMAGE, LOSS, FOUND or OTHER. */
  @IsStockAdjustmentReasonCode()
  reasonCode!: StockAdjustmentReasonCode;
}

/** A validated `opsline.wms.stock-adjusted.v1` event. */
export type StockAdjustedV1Event = CloudEvent<typeof STOCK_ADJUSTED_V1, StockAdjustedV1>;
