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
  ReturnsRefundLineV1,
  type ReturnRejectionReason,
  type ReturnsReturnStatus,
} from './returns-return-state.v1';

/**
 * A refund was issued for inspected units (status REFUNDED): their unit prices less the restocking fee.
 * Domain topic `opsline.returns`, subject the return id; carries the whole return (see
 * the fields before the event's own).
 */
export const RETURNS_RETURN_REFUNDED_V1 = 'opsline.returns.return-refunded.v1';

/** `data` of `opsline.returns.return-refunded.v1`. */
export class ReturnsReturnRefundedV1 {
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

  /** When the refund was issued (business time of the inspection that triggered it). */
  @IsUtcTimestamp()
  refundedAt!: string;

  /** The amount of this refund, in minor units of `currency`. */
  @IsMoneyMinor()
  refundAmountMinor!: number;

  @IsNonEmptyArrayOf(() => ReturnsRefundLineV1)
  refundLines!: ReturnsRefundLineV1[];
}

/** A validated `opsline.returns.return-refunded.v1` event. */
export type ReturnsReturnRefundedV1Event = CloudEvent<
  typeof RETURNS_RETURN_REFUNDED_V1,
  ReturnsReturnRefundedV1
>;
