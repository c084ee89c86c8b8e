import { ORDER_PLACED_V1 } from '../events/ingest/order-placed.v1';
import { exampleEventWith } from '../testing/example-events';
import { refusalsOf } from '../testing/validation-results';
import { validateCloudEvent } from '../validation';
import { isUtcTimestamp } from './utc-timestamp';

describe('UTC timestamps', () => {
  it.each([
    '2026-11-20T10:00:00.000Z',
    '2024-02-29T23:59:59.999Z',
    '2000-02-29T00:00:00.000Z',
    '1970-01-01T00:00:00.000Z',
    '2026-12-31T23:59:59.999Z',
  ])('accepts %s', (time) => {
    expect(isUtcTimestamp(time)).toBe(true);
    expect(validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { time })).ok).toBe(true);
  });

  it.each([
    ['no milliseconds', '2026-11-20T10:00:00Z'],
    ['microseconds', '2026-11-20T10:00:00.000000Z'],
    ['one fractional digit', '2026-11-20T10:00:00.0Z'],
    ['an offset instead of Z', '2026-11-20T10:00:00.000+00:00'],
    ['a non-UTC offset', '2026-11-20T11:00:00.000+01:00'],
    ['a lowercase z', '2026-11-20T10:00:00.000z'],
    ['no zone', '2026-11-20T10:00:00.000'],
    ['a space instead of T', '2026-11-20 10:00:00.000Z'],
    ['a date only', '2026-11-20'],
    ['February 30th', '2026-02-30T10:00:00.000Z'],
    ['February 29th of a common year', '2026-02-29T10:00:00.000Z'],
    ['February 29th of 1900 (not a leap year)', '1900-02-29T10:00:00.000Z'],
    ['April 31st', '2026-04-31T10:00:00.000Z'],
    ['month 13', '2026-13-01T10:00:00.000Z'],
    ['month 00', '2026-00-10T10:00:00.000Z'],
    ['day 00', '2026-11-00T10:00:00.000Z'],
    ['hour 24', '2026-11-20T24:00:00.000Z'],
    ['minute 60', '2026-11-20T10:60:00.000Z'],
    ['a leap second', '2026-12-31T23:59:60.000Z'],
    ['an expanded year', '+002026-11-20T10:00:00.000Z'],
    ['epoch milliseconds', 1795168800000],
    ['an empty string', ''],
  ])('refuses %s as time, naming time with rule isUtcTimestamp', (_behaviour, time) => {
    expect(isUtcTimestamp(time)).toBe(false);
    expect(refusalsOf(validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { time })))).toEqual([
      { field: 'time', rule: 'isUtcTimestamp' },
    ]);
  });

  it('applies the same rule to timestamps inside data', () => {
    const event = exampleEventWith(ORDER_PLACED_V1, {
      'data.promisedShipBy': '2026-11-21T16:00:00.000+01:00',
    });

    expect(refusalsOf(validateCloudEvent(event))).toEqual([
      { field: 'data.promisedShipBy', rule: 'isUtcTimestamp' },
    ]);
  });
});
