import { IsNonEmptyArrayOf } from '../../common/collections';
import { IsOpslineId } from '../../common/opsline-id';
import { IsQuantity } from '../../common/quantity';
import type { CloudEvent } from '../../envelope/cloud-event';

/** A warehouse received goods (inbound receipt); `time` is when. Ingest topic `opsline.ingest.warehouse`. */
export const GOODS_RECEIVED_V1 = 'opsline.wms.goods-received.v1';

/** One received stock-keeping unit. */
export class GoodsReceivedLineV1 {
  /** The received stock-keeping unit. */
  @IsOpslineId()
  sku!: string;

  /** Units received, an integer ≥ 1. */
  @IsQuantity()
  quantity!: number;
}

/** `data` of `opsline.wms.goods-received.v1`. */
export class GoodsReceivedV1 {
  /** The receiving warehouse (`WH-1`). */
  @IsOpslineId()
  warehouseId!: string;

  /** The receipt's id in the warehouse system. */
  @IsOpslineId()
  receiptId!: string;

  /** What was received, at least one line. */
  @IsNonEmptyArrayOf(() => GoodsReceivedLineV1)
  lines!: GoodsReceivedLineV1[];
}

/** A validated `opsline.wms.goods-received.v1` event. */
export type GoodsReceivedV1Event = CloudEvent<typeof GOODS_RECEIVED_V1, GoodsReceivedV1>;
