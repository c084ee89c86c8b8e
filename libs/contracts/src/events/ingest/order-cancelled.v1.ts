import { IsOpslineId } from '../../common/opsline-id';
import { IsText } from '../../common/text';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * The channel cancelled an order; `cancelledAt` is the event `time`. Units already shipped stay
 * shipped; the rest is released. Ingest topic `opsline.ingest.orders`.
 */
export const ORDER_CANCELLED_V1 = 'opsline.order.cancelled.v1';

/** Longest accepted cancellation reason. */
export const MAX_CANCELLATION_REASON_LENGTH = 500;

/** `data` of `opsline.order.cancelled.v1`. */
export class OrderCancelledV1 {
  /** The cancelled order's id; the event's `subject`. */
  @IsOpslineId()
  orderId!: string;

  /** Why it was cancelled, free text of 1..500 characters (`customer request`). */
  @IsText(MAX_CANCELLATION_REASON_LENGTH)
  reason!: string;
}

/** A validated `opsline.order.cancelled.v1` event. */
export type OrderCancelledV1Event = CloudEvent<typeof ORDER_CANCELLED_V1, OrderCancelledV1>;
