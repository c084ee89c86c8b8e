import { ORDER_CANCELLED_V1 } from './events/ingest/order-cancelled.v1';
import { ORDER_PLACED_V1, OrderPlacedLineV1, OrderPlacedV1 } from './events/ingest/order-placed.v1';
import { STOCK_COUNTED_V1 } from './events/ingest/stock-counted.v1';
import { EXAMPLE_DATA, exampleEvent, exampleEventWith } from './testing/example-events';
import { errorsOf, refusalsOf } from './testing/validation-results';
import { INGEST_ORDERS_TOPIC, INGEST_TOPIC_EVENT_TYPES } from './topics';
import {
  parseCloudEventBatchBytes,
  parseCloudEventBytes,
  validateCloudEvent,
  validateCloudEventBatch,
} from './validation';
import { EVENT_DATA_CLASSES, type EventTypeName } from './registry';

const bytesOf = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('validateCloudEvent', () => {
  it.each(Object.keys(EVENT_DATA_CLASSES) as EventTypeName[])('accepts the example %s', (type) => {
    const result = validateCloudEvent(exampleEvent(type));

    expect(result.ok && result.event.data).toBeInstanceOf(EVENT_DATA_CLASSES[type]);
    expect(result.ok && { ...result.event.data }).toEqual(EXAMPLE_DATA[type]);
  });

  it('narrows the event by its type so handlers read typed data', () => {
    const result = validateCloudEvent(exampleEvent(ORDER_PLACED_V1));
    if (!result.ok || result.event.type !== ORDER_PLACED_V1) {
      throw new Error('expected an accepted order.placed');
    }

    const units: number = result.event.data.lines.reduce((sum, line) => sum + line.quantity, 0);

    expect(units).toBe(3);
  });

  it('refuses an unknown type with exactly one error naming type', () => {
    const event = exampleEventWith(ORDER_PLACED_V1, { type: 'opsline.order.placed.v9' });

    expect(errorsOf(validateCloudEvent(event))).toEqual([
      {
        field: 'type',
        rule: 'unknownType',
        message: "type 'opsline.order.placed.v9' is not a known event type",
      },
    ]);
  });

  it('refuses a registered type that the caller does not accept here (another topic’s event)', () => {
    const event = exampleEvent(STOCK_COUNTED_V1);

    const result = validateCloudEvent(event, {
      acceptedTypes: INGEST_TOPIC_EVENT_TYPES[INGEST_ORDERS_TOPIC],
    });

    expect(errorsOf(result)).toEqual([
      {
        field: 'type',
        rule: 'typeNotAccepted',
        message:
          "type 'opsline.wms.stock-counted.v1' is not accepted here; accepted: opsline.order.placed.v1, opsline.order.cancelled.v1",
      },
    ]);
  });

  it('accepts a type listed in acceptedTypes', () => {
    const result = validateCloudEvent(exampleEvent(ORDER_CANCELLED_V1), {
      acceptedTypes: [ORDER_CANCELLED_V1],
    });

    expect(result.ok).toBe(true);
  });

  it.each([
    ['an array', [exampleEvent(ORDER_PLACED_V1)]],
    ['a string', 'opsline.order.placed.v1'],
    ['null', null],
    ['a number', 42],
  ])('refuses %s as the event, naming (body)', (_behaviour, raw) => {
    expect(refusalsOf(validateCloudEvent(raw))).toEqual([{ field: '(body)', rule: 'isObject' }]);
  });

  it('accepts data whose fields arrive in any order', () => {
    const { lines, ...rest } = EXAMPLE_DATA[ORDER_PLACED_V1];

    expect(validateCloudEvent(exampleEvent(ORDER_PLACED_V1, { lines, ...rest })).ok).toBe(true);
  });
});

describe('parseCloudEventBytes (Kafka message values)', () => {
  it('parses and validates a UTF-8 JSON event into class instances', () => {
    const result = parseCloudEventBytes(bytesOf(exampleEvent(ORDER_PLACED_V1)));

    if (!result.ok || result.event.type !== ORDER_PLACED_V1) {
      throw new Error('expected an accepted order.placed');
    }
    expect(result.event.data).toBeInstanceOf(OrderPlacedV1);
    expect(result.event.data.lines[1]).toBeInstanceOf(OrderPlacedLineV1);
  });

  it('accepts a leading UTF-8 byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytesOf(exampleEvent(ORDER_PLACED_V1))]);

    expect(parseCloudEventBytes(bytes).ok).toBe(true);
  });

  it.each([
    ['truncated JSON', Buffer.from('{"specversion":"1.0","id":')],
    ['an empty value', Buffer.alloc(0)],
    ['plain text', Buffer.from('order placed')],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
  ])('refuses %s with one error, field (body), rule json', (_behaviour, bytes) => {
    const errors = errorsOf(parseCloudEventBytes(bytes));

    expect(errors).toEqual([
      { field: '(body)', rule: 'json', message: expect.stringContaining('not UTF-8 JSON') },
    ]);
  });

  it.each([
    ['a JSON array', '[]'],
    ['a JSON string', '"hello"'],
    ['JSON null', 'null'],
  ])('refuses %s with field (body), rule isObject', (_behaviour, json) => {
    expect(refusalsOf(parseCloudEventBytes(Buffer.from(json)))).toEqual([
      { field: '(body)', rule: 'isObject' },
    ]);
  });

  it('reports the same field errors as validateCloudEvent', () => {
    const event = exampleEventWith(ORDER_PLACED_V1, { 'data.lines[1].quantity': 0 });

    expect(parseCloudEventBytes(bytesOf(event))).toEqual(validateCloudEvent(event));
  });
});

describe('validateCloudEventBatch (application/cloudevents-batch+json)', () => {
  it('accepts a batch of events of several types, in order', () => {
    const result = validateCloudEventBatch([exampleEvent(ORDER_PLACED_V1), exampleEvent(ORDER_CANCELLED_V1)]);

    expect(result.ok && result.events.map((event) => event.type)).toEqual([
      ORDER_PLACED_V1,
      ORDER_CANCELLED_V1,
    ]);
  });

  it('refuses the whole batch when one event is invalid, prefixing its errors with its index', () => {
    const batch = [
      exampleEvent(ORDER_PLACED_V1),
      exampleEvent(ORDER_PLACED_V1),
      exampleEvent(ORDER_PLACED_V1),
      exampleEventWith(ORDER_PLACED_V1, { 'data.lines[0].sku': 'SKU 42', time: '2026-11-20T10:00:00Z' }),
    ];

    expect(errorsOf(validateCloudEventBatch(batch))).toEqual([
      {
        field: '[3].time',
        rule: 'isUtcTimestamp',
        message: '[3].time must be a real UTC time with milliseconds, like 2026-11-20T10:00:00.000Z',
      },
      {
        field: '[3].data.lines[0].sku',
        rule: 'isOpslineId',
        message: '[3].data.lines[0].sku must be an id of 1..64 characters of [A-Za-z0-9._:-]',
      },
    ]);
  });

  it('reports errors of several events, and an item that is not an object at its index', () => {
    const batch = [exampleEventWith(ORDER_PLACED_V1, { type: 'opsline.nope.v1' }), 'not an event'];

    expect(refusalsOf(validateCloudEventBatch(batch))).toEqual([
      { field: '[0].type', rule: 'unknownType' },
      { field: '[1]', rule: 'isObject' },
    ]);
  });

  it('refuses an empty batch', () => {
    expect(refusalsOf(validateCloudEventBatch([]))).toEqual([{ field: '(body)', rule: 'arrayNotEmpty' }]);
  });

  it('refuses a single event sent as a batch, naming (body)', () => {
    expect(refusalsOf(validateCloudEventBatch(exampleEvent(ORDER_PLACED_V1)))).toEqual([
      { field: '(body)', rule: 'isArray' },
    ]);
  });

  it('applies acceptedTypes to every event', () => {
    const batch = [exampleEvent(ORDER_PLACED_V1), exampleEvent(STOCK_COUNTED_V1)];

    expect(refusalsOf(validateCloudEventBatch(batch, { acceptedTypes: [ORDER_PLACED_V1] }))).toEqual([
      { field: '[1].type', rule: 'typeNotAccepted' },
    ]);
  });

  it('parses a raw batch body and refuses bad JSON with rule json', () => {
    expect(parseCloudEventBatchBytes(bytesOf([exampleEvent(ORDER_PLACED_V1)])).ok).toBe(true);
    expect(refusalsOf(parseCloudEventBatchBytes(Buffer.from('[{')))).toEqual([
      { field: '(body)', rule: 'json' },
    ]);
  });
});
