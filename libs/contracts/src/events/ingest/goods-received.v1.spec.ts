import { ABSENT, exampleEvent, exampleEventWith } from '../../testing/example-events';
import { refusalsOf } from '../../testing/validation-results';
import { validateCloudEvent } from '../../validation';
import { GOODS_RECEIVED_V1, GoodsReceivedLineV1, GoodsReceivedV1 } from './goods-received.v1';

describe('opsline.wms.goods-received.v1', () => {
  it('accepts a realistic receipt and hands back GoodsReceivedV1 with GoodsReceivedLineV1 lines', () => {
    const result = validateCloudEvent(exampleEvent(GOODS_RECEIVED_V1));

    if (!result.ok || result.event.type !== GOODS_RECEIVED_V1) {
      throw new Error('expected an accepted goods-received');
    }
    expect(result.event.data).toBeInstanceOf(GoodsReceivedV1);
    expect(result.event.data.lines[1]).toBeInstanceOf(GoodsReceivedLineV1);
  });

  it.each([
    ['a missing warehouseId', 'data.warehouseId', ABSENT, 'isDefined'],
    ['a missing receiptId', 'data.receiptId', ABSENT, 'isDefined'],
    ['no lines', 'data.lines', [], 'arrayNotEmpty'],
    ['a line without sku', 'data.lines[1].sku', ABSENT, 'isDefined'],
    ['a quantity of 0', 'data.lines[1].quantity', 0, 'min'],
    ['a line with a lineId (receipts have none)', 'data.lines[1].lineId', '1', 'whitelist'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    expect(refusalsOf(validateCloudEvent(exampleEventWith(GOODS_RECEIVED_V1, { [field]: value })))).toEqual([
      { field, rule },
    ]);
  });
});
