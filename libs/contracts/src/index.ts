// The public API of @opsline/contracts. Also importable by path, outside this index:
// `schemas/event-json-schemas` (JSON Schema generation) and `testing/example-events` (valid
// example events for other libs' tests).

export {
  HasUniqueLineIds,
  IsNonEmptyArrayOf,
  UNIQUE_LINE_IDS_RULE,
  type ValidatedClass,
} from './common/collections';
export { composePropertyDecorators } from './common/compose-decorators';
export { BODY_FIELD, VALIDATION_RULES, type FieldError } from './common/field-error';
export {
  CURRENCY_CODE_PATTERN,
  CURRENCY_CODE_RULE,
  IsCurrencyCode,
  isCurrencyCode,
  IsMoneyMinor,
  MAX_MONEY_MINOR,
  type CurrencyCode,
  type MoneyMinor,
} from './common/money';
export {
  IsOpslineId,
  isOpslineId,
  OPSLINE_ID_PATTERN,
  OPSLINE_ID_RULE,
  type OpslineId,
} from './common/opsline-id';
export { IsNonNegativeQuantity, IsQuantity, IsQuantityDelta, MAX_QUANTITY } from './common/quantity';
export {
  DISPOSITIONS,
  IsDisposition,
  IsOneOf,
  IsReturnReasonCode,
  IsStockAdjustmentReasonCode,
  RETURN_REASON_CODES,
  STOCK_ADJUSTMENT_REASON_CODES,
  type Disposition,
  type ReturnReasonCode,
  type StockAdjustmentReasonCode,
} from './common/reason-codes';
export { IsRequired, REQUIRED_RULE } from './common/required';
export { isStorableText, IsText, STORABLE_TEXT_RULE, unstorableTextMessage } from './common/text';
export {
  IsUtcTimestamp,
  isUtcTimestamp,
  UTC_TIMESTAMP_PATTERN,
  UTC_TIMESTAMP_RULE,
  type UtcTimestamp,
} from './common/utc-timestamp';
export * from './envelope/cloud-event';
export {
  IsUriReference,
  isUriReference,
  URI_REFERENCE_PATTERN,
  URI_REFERENCE_RULE,
} from './envelope/uri-reference';
export * from './events/alerts';
export * from './events/ingest';
export * from './events/inventory';
export * from './events/orders';
export * from './events/returns';
export * from './registry';
export * from './topics';
export * from './validation';
