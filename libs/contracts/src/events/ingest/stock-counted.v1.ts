import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity } from '../../common/quantity';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * A cycle count: on-hand of one SKU becomes the counted quantity; `countedAt` is the event
 * `time`. Ingest topic `opsline.ingest.warehouse`.
 */
export const STOCK_COUNTED_V1 = 'opsline.wms.stock-counted.v1';

/** `data` of `opsline.wms.stock-counted.v1`. */
export class StockCountedV1 {
  /** The counting warehouse. */
  @IsOpslineId()
  warehouseId!: string;

  /** The count's id in the warehouse system. */
  @IsOpslineId()
  countId!: string;

  /** The counted stock-keeping unit. */
  @IsOpslineId()
  sku!: string;

  /** Units found on the shelf, an integer ≥ 0. */
  @IsNonNegativeQuantity()
  countedQuantity!: number;
}

/** A validated `opsline.wms.stock-counted.v1` event. */
export type StockCountedV1Event = CloudEvent<typeof STOCK_COUNTED_V1, StockCountedV1>;
