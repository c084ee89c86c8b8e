import { IsNonEmptyArrayOf } from '../../common/collections';
import { IsOpslineId } from '../../common/opsline-id';
import { IsQuantity } from '../../common/quantity';
import { IsReturnReasonCode, type ReturnReasonCode } from '../../common/reason-codes';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * A customer asked to return order lines; `requestedAt` is the event `time`. The returns
 * service authorizes or rejects it. Ingest topic `opsline.ingest.returns`.
 */
export const RETURN_REQUESTED_V1 = 'opsline.return.requested.v1';

/** One line the customer wants to return. */
export class ReturnRequestedLineV1 {
  /** The order line being returned. */
  @IsOpslineId()
  lineId!: string;

  /** The returned stock-keeping unit. */
  @IsOpslineId()
  sku!: string;

  /** Units to return, an integer ≥ 1. */
  @IsQuantity()
  quantity!: number;

  /** Why: DAMAGED, DEFECTIVE, WRONG_ITEM, NOT_AS_DESCRIBED, SIZE_FIT, NO_LONGER_NEEDED, LATE_DELIVERY or OTHER. */
  @IsReturnReasonCode()
  reasonCode!: ReturnReasonCode;
}

/** `data` of `opsline.return.requested.v1`. */
export class ReturnRequestedV1 {
  /** The return's id (`RMA-77`); the event's `subject`. */
  @IsOpslineId()
  returnId!: string;

  /** The order the lines belong to. */
  @IsOpslineId()
  orderId!: string;

  /** The lines to return, at least one. */
  @IsNonEmptyArrayOf(() => ReturnRequestedLineV1)
  lines!: ReturnRequestedLineV1[];
}

/** A validated `opsline.return.requested.v1` event. */
export type ReturnRequestedV1Event = CloudEvent<typeof RETURN_REQUESTED_V1, ReturnRequestedV1>;
