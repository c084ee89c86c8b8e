import { ABSENT, exampleEvent, exampleEventWith } from '../../testing/example-events';
import { refusalsOf } from '../../testing/validation-results';
import { validateCloudEvent } from '../../validation';
import { STOCK_COUNTED_V1, StockCountedV1 } from './stock-counted.v1';

describe('opsline.wms.stock-counted.v1', () => {
  it('accepts a cycle count of zero units and hands back StockCountedV1', () => {
    const result = validateCloudEvent(exampleEvent(STOCK_COUNTED_V1));

    expect(result.ok && result.event.data).toBeInstanceOf(StockCountedV1);
  });

  it.each([
    ['a missing warehouseId', 'data.warehouseId', ABSENT, 'isDefined'],
    ['a missing countId', 'data.countId', ABSENT, 'isDefined'],
    ['a missing sku', 'data.sku', ABSENT, 'isDefined'],
    ['a negative counted quantity', 'data.countedQuantity', -1, 'min'],
    ['a fractional counted quantity', 'data.countedQuantity', 2.5, 'isInt'],
    ['a missing counted quantity', 'data.countedQuantity', ABSENT, 'isDefined'],
    ['an unknown field', 'data.onHand', 3, 'whitelist'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    expect(refusalsOf(validateCloudEvent(exampleEventWith(STOCK_COUNTED_V1, { [field]: value })))).toEqual([
      { field, rule },
    ]);
  });
});
