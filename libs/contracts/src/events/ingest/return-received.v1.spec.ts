import { ABSENT, exampleEvent, exampleEventWith } from '../../testing/example-events';
import { refusalsOf } from '../../testing/validation-results';
import { validateCloudEvent } from '../../validation';
import { RETURN_RECEIVED_V1, ReturnReceivedLineV1, ReturnReceivedV1 } from './return-received.v1';

describe('opsline.wms.return-received.v1', () => {
  it('accepts a realistic return receipt and hands back ReturnReceivedV1 with ReturnReceivedLineV1 lines', () => {
    const result = validateCloudEvent(exampleEvent(RETURN_RECEIVED_V1));

    if (!result.ok || result.event.type !== RETURN_RECEIVED_V1) {
      throw new Error('expected an accepted return-received');
    }
    expect(result.event.data).toBeInstanceOf(ReturnReceivedV1);
    expect(result.event.data.lines[0]).toBeInstanceOf(ReturnReceivedLineV1);
  });

  it.each([
    ['a missing warehouseId', 'data.warehouseId', ABSENT, 'isDefined'],
    ['a missing returnId', 'data.returnId', ABSENT, 'isDefined'],
    ['no lines', 'data.lines', [], 'arrayNotEmpty'],
    ['a line without lineId', 'data.lines[0].lineId', ABSENT, 'isDefined'],
    ['a quantity of 0', 'data.lines[0].quantity', 0, 'min'],
    ['an unknown line field', 'data.lines[0].condition', 'opened', 'whitelist'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    expect(refusalsOf(validateCloudEvent(exampleEventWith(RETURN_RECEIVED_V1, { [field]: value })))).toEqual([
      { field, rule },
    ]);
  });
});
