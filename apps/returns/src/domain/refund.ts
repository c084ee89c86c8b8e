import type { ReturnReasonCode } from '@opsline/contracts';

/** Reasons for which the restocking fee is kept back (the customer's choice, not the seller's fault). */
export const RESTOCKING_FEE_REASONS: ReadonlySet<ReturnReasonCode> = new Set([
  'NO_LONGER_NEEDED',
  'SIZE_FIT',
]);

/** The default restocking fee in whole percent. */
export const DEFAULT_RESTOCKING_FEE_PERCENT = 10;

export interface RefundLine {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly restockingFeeMinor: number;
  readonly amountMinor: number;
}

/**
 * The refund of `quantity` inspected units of one line: quantity × unit price, less the fee
 * (`feePercent` of that, rounded half-up to a minor unit) when the reason carries one.
 */
export function refundLine(
  line: { lineId: string; sku: string; unitPriceMinor: number; reasonCode: ReturnReasonCode },
  quantity: number,
  feePercent: number,
): RefundLine {
  const grossMinor = quantity * line.unitPriceMinor;
  const restockingFeeMinor = RESTOCKING_FEE_REASONS.has(line.reasonCode)
    ? Math.floor((grossMinor * feePercent + 50) / 100)
    : 0;
  return {
    lineId: line.lineId,
    sku: line.sku,
    quantity,
    unitPriceMinor: line.unitPriceMinor,
    restockingFeeMinor,
    amountMinor: grossMinor - restockingFeeMinor,
  };
}
