import { IsOptional } from 'class-validator';

import { HasUniqueLineIds, IsNonEmptyArrayOf } from '../../common/collections';
import { IsCurrencyCode, IsMoneyMinor } from '../../common/money';
import { IsOpslineId } from '../../common/opsline-id';
import { IsOneOf } from '../../common/reason-codes';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';
import {
  RETURN_REJECTION_REASONS,
  RETURNS_RETURN_STATUSES,
  ReturnsReturnLineStateV1,
  type ReturnRejectionReason,
  type ReturnsReturnStatus,
} from './returns-return-state.v1';

/**
 * The return policy rejected the request (status REJECTED) with `rejectionReason`.
 * Domain topic `opsline.returns`, subject the return id; carries the whole return (see
 * the fields before the event's own).
 */
export const RETURNS_RETURN_REJECTED_V1 = 'opsline.returns.return-rejected.v1';

/** `data` of `opsline.returns.return-rejected.v1`. */
export class ReturnsReturnRejectedV1 {
  @IsOpslineId()
  returnId!: string;

  @IsOpslineId()
  orderId!: string;

  /** The order's channel; absent only when the order was never seen (rejected ORDER_UNKNOWN). */
  @IsOptional()
  @IsOpslineId()
  channel?: string;

  /** The order's currency; absent only when the order was never seen. */
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  /** The order's warehouse (asked for, else allocated); absent when unknown. */
  @IsOptional()
  @IsOpslineId()
  orderWarehouseId?: string;

  /** When the customer asked (the request event's `time`). */
  @IsUtcTimestamp()
  requestedAt!: string;

  @IsOneOf(RETURNS_RETURN_STATUSES)
  status!: ReturnsReturnStatus;

  /** Business time of the fact behind the event. */
  @IsUtcTimestamp()
  occurredAt!: string;

  /** Why the request was rejected; present only when it was. */
  @IsOptional()
  @IsOneOf(RETURN_REJECTION_REASONS)
  rejectionReason?: ReturnRejectionReason;

  @IsNonEmptyArrayOf(() => ReturnsReturnLineStateV1)
  @HasUniqueLineIds()
  lines!: ReturnsReturnLineStateV1[];

  /** Business time of the first receipt; absent until something was received. */
  @IsOptional()
  @IsUtcTimestamp()
  firstReceivedAt?: string;

  /** Sum of every refund issued so far. */
  @IsMoneyMinor()
  refundedAmountMinor!: number;
}

/** A validated `opsline.returns.return-rejected.v1` event. */
export type ReturnsReturnRejectedV1Event = CloudEvent<
  typeof RETURNS_RETURN_REJECTED_V1,
  ReturnsReturnRejectedV1
>;
