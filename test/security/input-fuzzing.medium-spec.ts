/**
 * Property-based fuzzing of what opsline accepts from outside: the ingest twins (one event and
 * batches), the return desk, the KPI query parameters and the order/return list filters. Whatever is
 * sent, the answer is never a 5xx; an invalid CloudEvent (as the contract's own validator judges it)
 * is a 400/422 whose body names the offending fields, nothing of it reaches the ingest topic, and no
 * table of any service gains or loses a row.
 */
import {
  EventTypeName,
  INGEST_TOPIC_EVENT_TYPES,
  INGEST_TOPICS,
  RETURN_REQUESTED_V1,
  RETURNS_RETURN_STATUSES,
  validateCloudEvent,
  validateCloudEventBatch,
} from '@opsline/contracts';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import fc from 'fast-check';
import type { Response as InjectResponse } from 'light-my-request';
import { ORDER_STATUSES } from '../../apps/orders/src/domain/order-placement';
import { hostileValue, hostileQuery, ingestBatchBody, ingestBody, queryString } from './hostile-values';
import {
  bearer,
  KEYS,
  rowCounts,
  SecuritySystem,
  ServiceName,
  startSecuritySystem,
  stopSecuritySystem,
  topicEnd,
} from './security-system';

const RUNS = Number(process.env.SECURITY_FUZZ_RUNS ?? 150);
const admin = bearer(KEYS.admin);

let system: SecuritySystem;
let countsAtStart: Record<string, number>;

beforeAll(async () => {
  system = await startSecuritySystem(__filename);
  countsAtStart = await rowCounts(system.inspector);
});
afterAll(() => stopSecuritySystem(system));

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; fields?: { field?: unknown; message?: unknown }[] };
}

/** A 4xx body in the platform's shape whose `fields` name each problem. */
function namedFieldsOf(response: InjectResponse): string[] {
  const body = response.json<ErrorBody>();
  expect(typeof body.error?.code).toBe('string');
  expect(typeof body.error?.message).toBe('string');
  const fields = body.error?.fields ?? [];
  for (const field of fields) {
    expect(typeof field.field).toBe('string');
    expect(typeof field.message).toBe('string');
    expect((field.message as string).length).toBeGreaterThan(0);
  }
  return fields.map((field) => field.field as string);
}

function describeRequest(route: string, body: string, response: InjectResponse): string {
  return `${route} ${body.slice(0, 300)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
}

async function expectNothingStored(): Promise<void> {
  for (const topic of INGEST_TOPICS)
    expect({ topic, end: await topicEnd(system.kafka, topic) }).toEqual({ topic, end: 0 });
  expect(await rowCounts(system.inspector)).toEqual(countsAtStart);
}

const TWINS: { service: ServiceName; url: string; types: readonly EventTypeName[] }[] = [
  { service: 'orders', url: '/ingest/orders', types: INGEST_TOPIC_EVENT_TYPES['opsline.ingest.orders'] },
  { service: 'returns', url: '/ingest/returns', types: INGEST_TOPIC_EVENT_TYPES['opsline.ingest.returns'] },
  {
    service: 'inventory',
    url: '/ingest/warehouse',
    types: INGEST_TOPIC_EVENT_TYPES['opsline.ingest.warehouse'],
  },
];

describe.each(TWINS)('POST $url', ({ service, url, types }) => {
  async function send(
    contentType: string,
    body: unknown,
  ): Promise<{ response: InjectResponse; text: string }> {
    const text = JSON.stringify(body) ?? 'null';
    const response = await system.apps[service].inject({
      method: 'POST',
      url,
      headers: { ...admin, 'content-type': contentType },
      payload: text,
    });
    return { response, text };
  }

  it('refuses every invalid event with a 400/422 naming its fields and stores nothing', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(ingestBody(types), async (body) => {
        fc.pre(!validateCloudEvent(body, { acceptedTypes: types }).ok);
        const { response, text } = await send('application/cloudevents+json', body);
        statuses.add(response.statusCode);
        const seen = describeRequest(`POST ${url}`, text, response);
        expect({ seen, status: [400, 422].includes(response.statusCode) }).toEqual({ seen, status: true });
        expect({ seen, fields: namedFieldsOf(response).length > 0 }).toEqual({ seen, fields: true });
      }),
      { numRuns: RUNS },
    );
    // The fuzzer reached both the envelope checks (400) and the data checks (422).
    expect([...statuses].sort()).toEqual([400, 422]);
    await expectNothingStored();
  });

  it('refuses every batch with an invalid event as a whole, naming the event by index', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(ingestBatchBody(types), async (body) => {
        fc.pre(!validateCloudEventBatch(body, { acceptedTypes: types }).ok);
        const { response, text } = await send('application/cloudevents-batch+json', body);
        statuses.add(response.statusCode);
        const seen = describeRequest(`POST ${url} (batch)`, text, response);
        expect({ seen, status: [400, 422].includes(response.statusCode) }).toEqual({ seen, status: true });
        const fields = namedFieldsOf(response);
        expect({ seen, fields: fields.length > 0 }).toEqual({ seen, fields: true });
        // Per-event problems name the event by index; problems of the whole body (too deep, a
        // __proto__ key) name the body.
        if (Array.isArray(body) && body.length > 0) {
          expect({
            seen,
            indexed: fields.every((field) => /^\[\d+\]/.test(field) || field === '(body)'),
          }).toEqual({
            seen,
            indexed: true,
          });
        }
      }),
      { numRuns: RUNS },
    );
    expect([...statuses].sort()).toEqual([400, 422]);
    await expectNothingStored();
  });

  it('answers 415 naming the media type for anything but CloudEvents JSON, and 400 for broken JSON', async () => {
    const event = JSON.stringify(exampleEvent(types[0]));
    for (const [contentType, payload, status] of [
      ['text/plain', event, 415],
      ['application/xml', '<event/>', 415],
      ['application/x-www-form-urlencoded', 'a=1', 415],
      ['application/cloudevents+json', '{"specversion": "1.0", ', 400],
      ['application/cloudevents+json', '{"a":1}{"b":2}', 400],
      ['application/cloudevents-batch+json', '[' + '['.repeat(100_000), 400],
    ] as const) {
      const response = await system.apps[service].inject({
        method: 'POST',
        url,
        headers: { ...admin, 'content-type': contentType },
        payload,
      });
      const seen = describeRequest(`POST ${url} as ${contentType}`, payload, response);
      expect({ seen, status: response.statusCode }).toEqual({ seen, status });
      expect(response.json<ErrorBody>().error?.message).toEqual(expect.any(String));
    }
    await expectNothingStored();
  });
});

describe('POST /returns (the return desk)', () => {
  const returnData = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          'returnId',
          'orderId',
          'lines',
          'lines[0].quantity',
          'lines[0].reasonCode',
          'lines[0].sku',
        ),
        hostileValue,
      )
      .map(([path, value]) => {
        const data = exampleEvent(RETURN_REQUESTED_V1).data as Record<string, unknown>;
        const event = { data };
        const segments = `data.${path}`
          .split(/\.|\[(\d+)\]/)
          .filter((segment) => segment !== undefined && segment !== '');
        let container: Record<string, unknown> = event;
        for (const segment of segments.slice(0, -1))
          container = container[segment] as Record<string, unknown>;
        container[segments[segments.length - 1]] = value;
        return event.data;
      }),
    hostileValue,
  );

  it('refuses every invalid request with a 4xx naming its fields and stores nothing', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(returnData, async (data) => {
        const asEvent = { ...exampleEvent(RETURN_REQUESTED_V1), data };
        fc.pre(!validateCloudEvent(asEvent, { acceptedTypes: [RETURN_REQUESTED_V1] }).ok);
        const text = JSON.stringify(data) ?? 'null';
        const response = await system.apps.returns.inject({
          method: 'POST',
          url: '/returns',
          headers: { ...admin, 'content-type': 'application/json' },
          payload: text,
        });
        const seen = describeRequest('POST /returns', text, response);
        statuses.add(response.statusCode);
        expect({ seen, status: [400, 422].includes(response.statusCode) }).toEqual({ seen, status: true });
        expect({ seen, fields: namedFieldsOf(response).length > 0 }).toEqual({ seen, fields: true });
      }),
      { numRuns: RUNS },
    );
    expect(statuses).toContain(400);
    await expectNothingStored();
  });
});

const isoInstant = fc
  .date({
    min: new Date('2000-01-01T00:00:00.000Z'),
    max: new Date('2100-01-01T00:00:00.000Z'),
    noInvalidDate: true,
  })
  .map((date) => date.toISOString());
const id = fc.constantFrom('WH-1', 'SKU-42', 'webshop', 'ORD-1');

const QUERIES: { service: ServiceName; url: string; parameters: Record<string, fc.Arbitrary<string>> }[] = [
  {
    service: 'kpi',
    url: '/kpis',
    parameters: {
      from: isoInstant,
      to: isoInstant,
      granularity: fc.constantFrom('hour', 'day', 'week', 'month'),
      warehouseId: id,
      sku: id,
      channel: id,
      format: fc.constantFrom('json', 'csv'),
    },
  },
  {
    service: 'kpi',
    url: '/kpis/returns/reasons',
    parameters: { from: isoInstant, to: isoInstant, warehouseId: id, sku: id },
  },
  { service: 'kpi', url: '/kpis/inventory', parameters: { warehouseId: id, sku: id } },
  {
    service: 'orders',
    url: '/orders',
    parameters: {
      status: fc.constantFrom(...ORDER_STATUSES),
      from: isoInstant,
      to: isoInstant,
      limit: fc.integer({ min: 1, max: 500 }).map(String),
      cursor: fc.string({ maxLength: 60 }),
    },
  },
  {
    service: 'returns',
    url: '/returns',
    parameters: {
      status: fc.constantFrom(...RETURNS_RETURN_STATUSES),
      orderId: id,
      from: isoInstant,
      to: isoInstant,
      limit: fc.integer({ min: 1, max: 500 }).map(String),
      cursor: fc.string({ maxLength: 60 }),
    },
  },
];

describe.each(QUERIES)('GET $url', ({ service, url, parameters }) => {
  it('answers 200, or a 400/422 naming the parameter, never a 5xx, and changes nothing', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(hostileQuery(parameters), async (query) => {
        const target = `${url}${queryString(query)}`;
        const response = await system.apps[service].inject({ method: 'GET', url: target, headers: admin });
        const seen = describeRequest(`GET ${target}`, '', response);
        statuses.add(response.statusCode);
        expect({ seen, status: [200, 400, 422].includes(response.statusCode) }).toEqual({
          seen,
          status: true,
        });
        if (response.statusCode !== 200) {
          expect({ seen, fields: namedFieldsOf(response).length > 0 }).toEqual({ seen, fields: true });
        }
      }),
      { numRuns: RUNS },
    );
    // Both plausible queries (200) and hostile ones (400) were tried.
    expect(statuses).toContain(200);
    expect(statuses).toContain(400);
    await expectNothingStored();
  });
});
