import { ORDER_PLACED_V1 } from '../events/ingest/order-placed.v1';
import { ABSENT, exampleEvent, exampleEventWith } from '../testing/example-events';
import { errorsOf, refusalsOf } from '../testing/validation-results';
import { validateCloudEvent } from '../validation';

function acceptedEvent(raw: unknown): Record<string, unknown> {
  const result = validateCloudEvent(raw);
  if (!result.ok) {
    throw new Error(`expected acceptance, got ${JSON.stringify(result.errors)}`);
  }
  return result.event as unknown as Record<string, unknown>;
}

describe('the CloudEvents envelope', () => {
  it('accepts an event without the optional datacontenttype, correlationid and causationid', () => {
    expect(validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { datacontenttype: ABSENT })).ok).toBe(true);
  });

  it('keeps correlationid and causationid on the accepted event', () => {
    const event = acceptedEvent(
      exampleEventWith(ORDER_PLACED_V1, { correlationid: 'req-7', causationid: 'evt-6' }),
    );

    expect(event).toMatchObject({ correlationid: 'req-7', causationid: 'evt-6' });
  });

  it('accepts a URI as source as well as a relative reference', () => {
    const event = exampleEventWith(ORDER_PLACED_V1, {
      source: 'https://shop.example.com/channels/webshop?region=eu',
    });

    expect(validateCloudEvent(event).ok).toBe(true);
  });

  it('accepts an id of exactly 256 characters', () => {
    expect(validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { id: 'e'.repeat(256) })).ok).toBe(true);
  });

  it.each([
    ['a missing specversion', 'specversion', ABSENT, 'isDefined'],
    ['specversion 0.3', 'specversion', '0.3', 'equals'],
    ['specversion as a number', 'specversion', 1.0, 'equals'],
    ['a missing id', 'id', ABSENT, 'isDefined'],
    ['an empty id', 'id', '', 'isNotEmpty'],
    ['an id of 257 characters', 'id', 'e'.repeat(257), 'maxLength'],
    ['a numeric id', 'id', 42, 'isString'],
    ['a missing source', 'source', ABSENT, 'isDefined'],
    ['an empty source', 'source', '', 'isUriReference'],
    ['a source with a space', 'source', '/channels/web shop', 'isUriReference'],
    ['a source with a broken escape', 'source', '/channels/%zz', 'isUriReference'],
    ['a missing type', 'type', ABSENT, 'isDefined'],
    ['a type that is not a string', 'type', 7, 'isString'],
    ['a missing time', 'time', ABSENT, 'isDefined'],
    ['a missing subject', 'subject', ABSENT, 'isDefined'],
    ['a subject that is not an id', 'subject', 'ORD 1001', 'isOpslineId'],
    ['datacontenttype text/plain', 'datacontenttype', 'text/plain', 'equals'],
    ['datacontenttype with parameters', 'datacontenttype', 'application/json; charset=utf-8', 'equals'],
    ['an empty correlationid', 'correlationid', '', 'isNotEmpty'],
    ['a causationid that is not a string', 'causationid', 6, 'isString'],
    ['missing data', 'data', ABSENT, 'isDefined'],
    ['null data', 'data', null, 'isDefined'],
    ['data that is a string', 'data', '{"orderId":"ORD-1001"}', 'isObject'],
    ['data that is an array', 'data', [], 'isObject'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    expect(refusalsOf(validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { [field]: value })))).toEqual([
      { field, rule },
    ]);
  });

  it('names every missing attribute of an empty object', () => {
    expect(refusalsOf(validateCloudEvent({}))).toEqual(
      ['specversion', 'id', 'source', 'type', 'time', 'subject', 'data'].map((field) => ({
        field,
        rule: 'isDefined',
      })),
    );
  });

  describe('extension attributes', () => {
    it('accepts and passes on an extension attribute with a lowercase name and a scalar value', () => {
      const event = acceptedEvent(
        exampleEventWith(ORDER_PLACED_V1, {
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        }),
      );

      expect(event.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    });

    it('reads a null attribute as absent and leaves it off the accepted event', () => {
      const event = acceptedEvent(
        exampleEventWith(ORDER_PLACED_V1, { datacontenttype: null, partitionkey: null }),
      );

      expect(Object.keys(event)).not.toContain('datacontenttype');
      expect(Object.keys(event)).not.toContain('partitionkey');
    });

    it('refuses a camelCase correlationId and suggests the CloudEvents name', () => {
      const errors = errorsOf(
        validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { correlationId: 'req-7' })),
      );

      expect(errors).toEqual([
        {
          field: 'correlationId',
          rule: 'whitelist',
          message:
            'correlationId is not a CloudEvents attribute: names are lowercase letters and digits (did you mean correlationid?)',
        },
      ]);
    });

    it.each(['Time', 'data_base64', 'trace-parent', 'spec version'])(
      'refuses the attribute name %p',
      (name) => {
        expect(refusalsOf(validateCloudEvent(exampleEventWith(ORDER_PLACED_V1, { [name]: 'x' })))).toEqual([
          { field: name, rule: 'whitelist' },
        ]);
      },
    );

    it('refuses an extension attribute whose value is an object', () => {
      const event = exampleEventWith(ORDER_PLACED_V1, { tenant: { id: 'acme' } });

      expect(refusalsOf(validateCloudEvent(event))).toEqual([{ field: 'tenant', rule: 'extensionValue' }]);
    });
  });

  it('reports envelope and data errors of one event together', () => {
    const event = exampleEventWith(ORDER_PLACED_V1, { time: '2026-11-20', 'data.currency': 'euro' });

    expect(refusalsOf(validateCloudEvent(event))).toEqual([
      { field: 'time', rule: 'isUtcTimestamp' },
      { field: 'data.currency', rule: 'isCurrencyCode' },
    ]);
  });

  it('returns the sender attributes unchanged apart from data', () => {
    const raw = exampleEvent(ORDER_PLACED_V1);
    const { data: _data, ...attributes } = raw;

    expect(acceptedEvent(raw)).toMatchObject(attributes);
  });
});
