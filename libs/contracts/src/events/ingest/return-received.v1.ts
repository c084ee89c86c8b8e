import { IsNonEmptyArrayOf } from '../../common/collections';
import { IsOpslineId } from '../../common/opsline-id';
import { IsQuantity } from '../../common/quantity';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * A warehouse received returned units (not yet inspected); `receivedAt` is the event `time`.
 * Ingest topic `opsline.ingest.warehouse`.
 */
export const RETURN_RECEIVED_V1 = 'opsline.wms.return-received.v1';

/** One received return line. */
export class ReturnReceivedLineV1 {
  /** The order line the units were returned from. */
  @IsOpslineId()
  lineId!: string;

  /** The received stock-keeping unit. */
  @IsOpslineId()
  sku!: string;

  /** Units received, an integer ≥ 1. */
  @IsQuantity()
  quantity!: number;
}

/** `data` of `opsline.wms.return-received.v1`. */
export class ReturnReceivedV1 {
  /** The receiving warehouse. */
  @IsOpslineId()
  warehouseId!: string;

  /** The return the units belong to (`RMA-77`). */
  @IsOpslineId()
  returnId!: string;

  /** What was received, at least one line. */
  @IsNonEmptyArrayOf(() => ReturnReceivedLineV1)
  lines!: ReturnReceivedLineV1[];
}

/** A validated `opsline.wms.return-received.v1` event. */
export type ReturnReceivedV1Event = CloudEvent<typeof RETURN_RECEIVED_V1, ReturnReceivedV1>;
