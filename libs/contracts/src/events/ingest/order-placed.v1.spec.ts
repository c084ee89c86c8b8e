import { ABSENT, exampleEvent, exampleEventWith } from '../../testing/example-events';
import { errorsOf, refusalsOf } from '../../testing/validation-results';
import { validateCloudEvent } from '../../validation';
import { ORDER_PLACED_V1, OrderPlacedLineV1, OrderPlacedV1 } from './order-placed.v1';

describe('opsline.order.placed.v1', () => {
  it('accepts a realistic order and hands back OrderPlacedV1 with OrderPlacedLineV1 lines', () => {
    const result = validateCloudEvent(exampleEvent(ORDER_PLACED_V1));

    expect(result.ok).toBe(true);
    if (!result.ok || result.event.type !== ORDER_PLACED_V1) {
      throw new Error('expected an accepted order.placed');
    }
    expect(result.event.data).toBeInstanceOf(OrderPlacedV1);
    expect(result.event.data.lines[0]).toBeInstanceOf(OrderPlacedLineV1);
    expect(result.event.data).toEqual(exampleEvent(ORDER_PLACED_V1).data);
  });

  it('accepts an order without the optional warehouseId and customerId', () => {
    const event = exampleEventWith(ORDER_PLACED_V1, {
      'data.warehouseId': ABSENT,
      'data.customerId': ABSENT,
    });

    expect(validateCloudEvent(event).ok).toBe(true);
  });

  it('reads a null optional field as absent', () => {
    expect(validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { 'data.customerId': null })).ok).toBe(true);
  });

  it('accepts a free line (unitPriceMinor 0)', () => {
    expect(
      validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { 'data.lines[0].unitPriceMinor': 0 })).ok,
    ).toBe(true);
  });

  it.each([
    ['a missing orderId', 'data.orderId', ABSENT, 'isDefined'],
    ['an orderId with a space', 'data.orderId', 'ORD 1001', 'isOpslineId'],
    ['an orderId of 65 characters', 'data.orderId', 'O'.repeat(65), 'isOpslineId'],
    ['a numeric orderId', 'data.orderId', 1001, 'isOpslineId'],
    ['a missing channel', 'data.channel', ABSENT, 'isDefined'],
    ['a lowercase currency', 'data.currency', 'eur', 'isCurrencyCode'],
    ['a four-letter currency', 'data.currency', 'EURO', 'isCurrencyCode'],
    [
      'a promisedShipBy without milliseconds',
      'data.promisedShipBy',
      '2026-11-21T16:00:00Z',
      'isUtcTimestamp',
    ],
    ['an empty warehouseId', 'data.warehouseId', '', 'isOpslineId'],
    ['a customerId with a slash', 'data.customerId', 'CUST/42', 'isOpslineId'],
    ['missing lines', 'data.lines', ABSENT, 'isDefined'],
    ['lines that are not an array', 'data.lines', { lineId: '1' }, 'isArray'],
    ['no lines', 'data.lines', [], 'arrayNotEmpty'],
    ['a line that is not an object', 'data.lines[1]', 'SKU-7', 'isObject'],
    ['a line that is an array', 'data.lines[1]', [], 'isObject'],
    ['a line without lineId', 'data.lines[1].lineId', ABSENT, 'isDefined'],
    ['a line without sku', 'data.lines[1].sku', ABSENT, 'isDefined'],
    ['a quantity of 0', 'data.lines[1].quantity', 0, 'min'],
    ['a negative quantity', 'data.lines[1].quantity', -1, 'min'],
    ['a fractional quantity', 'data.lines[1].quantity', 1.5, 'isInt'],
    ['a quantity given as a string', 'data.lines[1].quantity', '2', 'isInt'],
    ['a quantity beyond 2^31 − 1', 'data.lines[1].quantity', 2 ** 31, 'max'],
    ['a negative unitPriceMinor', 'data.lines[1].unitPriceMinor', -1, 'min'],
    ['a unitPriceMinor in major units', 'data.lines[1].unitPriceMinor', 19.99, 'isInt'],
    ['a unitPriceMinor beyond 2^53 − 1', 'data.lines[1].unitPriceMinor', 2 ** 53, 'max'],
    ['a missing unitPriceMinor', 'data.lines[1].unitPriceMinor', ABSENT, 'isDefined'],
    ['an unknown field in data', 'data.placedAt', '2026-11-20T10:00:00.000Z', 'whitelist'],
    ['a typo in a line field', 'data.lines[1].quantiy', 1, 'whitelist'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    const result = validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { [field]: value }));

    expect(refusalsOf(result)).toEqual([{ field, rule }]);
  });

  it('refuses two lines with the same lineId, naming the lines and the duplicate', () => {
    const result = validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { 'data.lines[1].lineId': '1' }));

    expect(errorsOf(result)).toEqual([
      {
        field: 'data.lines',
        rule: 'uniqueLineIds',
        message: "data.lines must have a different lineId on every line ('1' at [0] and [1])",
      },
    ]);
  });

  it('reports every offending line field at once, with messages that name the field', () => {
    const event = exampleEventWith(ORDER_PLACED_V1, {
      'data.lines[0].quantity': 0,
      'data.lines[1].unitPriceMinor': -5,
      'data.colour': 'red',
    });

    expect(errorsOf(validateCloudEvent(event))).toEqual([
      {
        field: 'data.colour',
        rule: 'whitelist',
        message: 'data.colour is not a field of opsline.order.placed.v1 data',
      },
      {
        field: 'data.lines[0].quantity',
        rule: 'min',
        message: 'data.lines[0].quantity must not be less than 1',
      },
      {
        field: 'data.lines[1].unitPriceMinor',
        rule: 'min',
        message: 'data.lines[1].unitPriceMinor must not be less than 0',
      },
    ]);
  });
});
