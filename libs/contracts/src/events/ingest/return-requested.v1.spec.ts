import { RETURN_REASON_CODES } from '../../common/reason-codes';
import { ABSENT, exampleEvent, exampleEventWith } from '../../testing/example-events';
import { refusalsOf } from '../../testing/validation-results';
import { validateCloudEvent } from '../../validation';
import { RETURN_REQUESTED_V1, ReturnRequestedLineV1, ReturnRequestedV1 } from './return-requested.v1';

describe('opsline.return.requested.v1', () => {
  it('accepts a realistic return request and hands back ReturnRequestedV1 with ReturnRequestedLineV1 lines', () => {
    const result = validateCloudEvent(exampleEvent(RETURN_REQUESTED_V1));

    if (!result.ok || result.event.type !== RETURN_REQUESTED_V1) {
      throw new Error('expected an accepted return.requested');
    }
    expect(result.event.data).toBeInstanceOf(ReturnRequestedV1);
    expect(result.event.data.lines[0]).toBeInstanceOf(ReturnRequestedLineV1);
  });

  it.each(RETURN_REASON_CODES)('accepts reason code %s', (reasonCode) => {
    const event = exampleEventWith(RETURN_REQUESTED_V1, { 'data.lines[0].reasonCode': reasonCode });

    expect(validateCloudEvent(event).ok).toBe(true);
  });

  it('accepts the same order line twice with different reasons', () => {
    const event = exampleEventWith(RETURN_REQUESTED_V1, {
      'data.lines': [
        { lineId: '1', sku: 'SKU-42', quantity: 1, reasonCode: 'DAMAGED' },
        { lineId: '1', sku: 'SKU-42', quantity: 1, reasonCode: 'SIZE_FIT' },
      ],
    });

    expect(validateCloudEvent(event).ok).toBe(true);
  });

  it.each([
    ['a missing returnId', 'data.returnId', ABSENT, 'isDefined'],
    ['a missing orderId', 'data.orderId', ABSENT, 'isDefined'],
    ['no lines', 'data.lines', [], 'arrayNotEmpty'],
    ['a quantity of 0', 'data.lines[0].quantity', 0, 'min'],
    ['a fractional quantity', 'data.lines[0].quantity', 0.5, 'isInt'],
    ['an unknown reason code', 'data.lines[0].reasonCode', 'CHANGED_MIND', 'isIn'],
    ['a lowercase reason code', 'data.lines[0].reasonCode', 'damaged', 'isIn'],
    ['a missing reason code', 'data.lines[0].reasonCode', ABSENT, 'isDefined'],
    ['an unknown line field', 'data.lines[0].comment', 'too small', 'whitelist'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    expect(refusalsOf(validateCloudEvent(exampleEventWith(RETURN_REQUESTED_V1, { [field]: value })))).toEqual(
      [{ field, rule }],
    );
  });
});
