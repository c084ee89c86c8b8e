import { STOCK_ADJUSTMENT_REASON_CODES } from '../../common/reason-codes';
import { ABSENT, exampleEvent, exampleEventWith } from '../../testing/example-events';
import { refusalsOf } from '../../testing/validation-results';
import { validateCloudEvent } from '../../validation';
import { STOCK_ADJUSTED_V1, StockAdjustedV1 } from './stock-adjusted.v1';

describe('opsline.wms.stock-adjusted.v1', () => {
  it('accepts a realistic negative adjustment and hands back StockAdjustedV1', () => {
    const result = validateCloudEvent(exampleEvent(STOCK_ADJUSTED_V1));

    expect(result.ok && result.event.data).toBeInstanceOf(StockAdjustedV1);
  });

  it('accepts a positive adjustment (units found)', () => {
    const event = exampleEventWith(STOCK_ADJUSTED_V1, {
      'data.quantityDelta': 4,
      'data.reasonCode': 'FOUND',
    });

    expect(validateCloudEvent(event).ok).toBe(true);
  });

  it.each(STOCK_ADJUSTMENT_REASON_CODES)('accepts reason code %s', (reasonCode) => {
    expect(
      validateCloudEvent(exampleEventWith(STOCK_ADJUSTED_V1, { 'data.reasonCode': reasonCode })).ok,
    ).toBe(true);
  });

  it.each([
    ['a missing warehouseId', 'data.warehouseId', ABSENT, 'isDefined'],
    ['a missing adjustmentId', 'data.adjustmentId', ABSENT, 'isDefined'],
    ['a missing sku', 'data.sku', ABSENT, 'isDefined'],
    ['a delta of 0', 'data.quantityDelta', 0, 'notEquals'],
    ['a fractional delta', 'data.quantityDelta', -0.5, 'isInt'],
    ['a missing delta', 'data.quantityDelta', ABSENT, 'isDefined'],
    ['a delta below −(2^31 − 1)', 'data.quantityDelta', -(2 ** 31), 'min'],
    ['a return reason code', 'data.reasonCode', 'DAMAGED', 'isIn'],
    ['an unknown field', 'data.note', 'forklift', 'whitelist'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    expect(refusalsOf(validateCloudEvent(exampleEventWith(STOCK_ADJUSTED_V1, { [field]: value })))).toEqual([
      { field, rule },
    ]);
  });
});
