import { IsIn } from 'class-validator';

import { composePropertyDecorators } from './compose-decorators';
import { IsRequired } from './required';

/** Why a customer returns a line (`opsline.return.requested.v1` `lines[].reasonCode`). */
export const RETURN_REASON_CODES = [
  'DAMAGED',
  'DEFECTIVE',
  'WRONG_ITEM',
  'NOT_AS_DESCRIBED',
  'SIZE_FIT',
  'NO_LONGER_NEEDED',
  'LATE_DELIVERY',
  'OTHER',
] as const;

/** One of {@link RETURN_REASON_CODES}. */
export type ReturnReasonCode = (typeof RETURN_REASON_CODES)[number];

/** Why a warehouse adjusted stock (`opsline.wms.stock-adjusted.v1` `reasonCode`). */
export const STOCK_ADJUSTMENT_REASON_CODES = ['DAMAGE', 'LOSS', 'FOUND', 'OTHER'] as const;

/** One of {@link STOCK_ADJUSTMENT_REASON_CODES}. */
export type StockAdjustmentReasonCode = (typeof STOCK_ADJUSTMENT_REASON_CODES)[number];

/** What happens to an inspected returned unit (`opsline.wms.return-inspected.v1` `lines[].disposition`). */
export const DISPOSITIONS = ['RESTOCK', 'REFURBISH', 'LIQUIDATE', 'SCRAP'] as const;

/** One of {@link DISPOSITIONS}; RESTOCK units go back to on-hand at the inspecting warehouse. */
export type Disposition = (typeof DISPOSITIONS)[number];

/** Required value out of a fixed list of codes; the message lists them. Rule `isIn`. */
export function IsOneOf(codes: readonly string[]): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    IsIn([...codes], { message: (args) => `${args.property} must be one of ${codes.join(', ')}` }),
  );
}

/** Required {@link ReturnReasonCode}. Rule `isIn`. */
export function IsReturnReasonCode(): PropertyDecorator {
  return IsOneOf(RETURN_REASON_CODES);
}

/** Required {@link StockAdjustmentReasonCode}. Rule `isIn`. */
export function IsStockAdjustmentReasonCode(): PropertyDecorator {
  return IsOneOf(STOCK_ADJUSTMENT_REASON_CODES);
}

/** Required {@link Disposition}. Rule `isIn`. */
export function IsDisposition(): PropertyDecorator {
  return IsOneOf(DISPOSITIONS);
}
