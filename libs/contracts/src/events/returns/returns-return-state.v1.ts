import { IsOptional } from 'class-validator';

import { IsMoneyMinor } from '../../common/money';
import { IsOpslineId } from '../../common/opsline-id';
import { IsNonNegativeQuantity, IsQuantity } from '../../common/quantity';
import {
  IsDisposition,
  IsReturnReasonCode,
  type Disposition,
  type ReturnReasonCode,
} from '../../common/reason-codes';

/**
 * The lifecycle events on `opsline.returns` (return-authorized, -rejected, -received, -inspected,
 * -refunded, -closed) each carry the whole return as it stands after the event, then the event's
 * own fields, so a consumer (the KPI service) needs nothing else: the order's channel and
 * warehouse, each line's original unit price, reason code and progress. This file holds the
 * item classes they share.
 */

/** Return statuses as the resource API shows them (contract §4). */
export const RETURNS_RETURN_STATUSES = [
  'REQUESTED',
  'AUTHORIZED',
  'REJECTED',
  'RECEIVED',
  'INSPECTED',
  'REFUNDED',
  'CLOSED',
] as const;

/** One of {@link RETURNS_RETURN_STATUSES}. */
export type ReturnsReturnStatus = (typeof RETURNS_RETURN_STATUSES)[number];

/** Why a return request was rejected (stable codes, issue 5). */
export const RETURN_REJECTION_REASONS = [
  'RETURN.NOT_SHIPPED',
  'RETURN.QUANTITY_EXCEEDED',
  'RETURN.WINDOW_EXPIRED',
  'RETURN.ORDER_UNKNOWN',
] as const;

/** One of {@link RETURN_REJECTION_REASONS}. */
export type ReturnRejectionReason = (typeof RETURN_REJECTION_REASONS)[number];

/** One requested return line as it stands after the event. */
export class ReturnsReturnLineStateV1 {
  /** The order line being returned. */
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  /** Units the customer asked to return. */
  @IsQuantity()
  quantity!: number;

  @IsReturnReasonCode()
  reasonCode!: ReturnReasonCode;

  /** The order line's unit price; absent when the order is unknown. */
  @IsOptional()
  @IsMoneyMinor()
  unitPriceMinor?: number;

  /** Units authorized (0 while requested or when rejected). */
  @IsNonNegativeQuantity()
  authorizedQuantity!: number;

  /** Units the warehouse has received so far. */
  @IsNonNegativeQuantity()
  receivedQuantity!: number;

  /** Units inspected so far. */
  @IsNonNegativeQuantity()
  inspectedQuantity!: number;

  /** Units refunded so far. */
  @IsNonNegativeQuantity()
  refundedQuantity!: number;
}

/** Units of one return line received by the warehouse. */
export class ReturnsReceiptLineV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  @IsQuantity()
  quantity!: number;
}

/** Units of one return line inspected with one disposition, with the line's original unit price. */
export class ReturnsInspectionLineV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  @IsQuantity()
  quantity!: number;

  @IsDisposition()
  disposition!: Disposition;

  /** Value recovered for these units. */
  @IsMoneyMinor()
  recoveredValueMinor!: number;

  /** The order line's unit price (the denominator of `recoveryRate`). */
  @IsMoneyMinor()
  unitPriceMinor!: number;

  /** Why the customer returned the line. */
  @IsReturnReasonCode()
  reasonCode!: ReturnReasonCode;
}

/** What one return line's refund is made of. */
export class ReturnsRefundLineV1 {
  @IsOpslineId()
  lineId!: string;

  @IsOpslineId()
  sku!: string;

  /** Units refunded now. */
  @IsQuantity()
  quantity!: number;

  @IsMoneyMinor()
  unitPriceMinor!: number;

  /** Restocking fee kept back for these units (NO_LONGER_NEEDED / SIZE_FIT returns). */
  @IsMoneyMinor()
  restockingFeeMinor!: number;

  /** quantity × unitPriceMinor − restockingFeeMinor. */
  @IsMoneyMinor()
  amountMinor!: number;
}
