import { DataSource } from 'typeorm';
import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { OrderStory, ReturnStory, TopicEvent } from '../src/domain/kpi.fixtures';
import { AUTH, KpiStack, startKpiStack } from './kpi-stack';
import { EventJournalRepository } from '../src/infrastructure/journal/event-journal.repository';
import { KpiTables } from '../src/infrastructure/kpi-tables';

jest.setTimeout(180_000);

const MONDAY = '2026-11-16';
const RANGE = `from=${MONDAY}T00:00:00.000Z&to=2026-11-20T00:00:00.000Z&granularity=day`;
const ORDERS_ONLY_KEY = { authorization: 'Bearer k-orders' };

interface Bucket {
  start: string;
  restated?: boolean;
  metrics: Record<string, unknown> & { perfectOrderRate: number | null };
}
interface Report {
  asOf?: string;
  buckets: Bucket[];
  totals: Record<string, unknown>;
  totalsRestated?: boolean;
}
interface LineageFact {
  kind: string;
  key: string;
  numerator: number;
  denominator: number | null;
  fact: Record<string, unknown>;
  eventIds: string[];
}
interface Lineage {
  value: unknown;
  numerator: number;
  denominator: number | null;
  factCount: number;
  facts: LineageFact[];
  nextCursor: string | null;
  asOf: string | null;
}

/** ORD-1 ships on time in one shipment (perfect, until its DAMAGED return); ORD-2 ships late. */
const onTime = new OrderStory({
  orderId: 'ORD-1',
  channel: 'webshop',
  warehouseId: 'WH-1',
  placedAt: `${MONDAY}T08:00:00.000Z`,
  promisedShipBy: `${MONDAY}T18:00:00.000Z`,
  lines: [{ sku: 'SKU-A', quantity: 2, unitPriceMinor: 1500 }],
})
  .allocate(`${MONDAY}T08:05:00.000Z`, 'WH-1', [2])
  .ship('SHP-1', `${MONDAY}T12:00:00.000Z`, 'WH-1', [2]);
const late = new OrderStory({
  orderId: 'ORD-2',
  channel: 'webshop',
  warehouseId: 'WH-1',
  placedAt: `${MONDAY}T09:00:00.000Z`,
  promisedShipBy: `${MONDAY}T10:00:00.000Z`,
  lines: [{ sku: 'SKU-B', quantity: 1, unitPriceMinor: 900 }],
})
  .allocate(`${MONDAY}T09:05:00.000Z`, 'WH-1', [1])
  .ship('SHP-2', `${MONDAY}T20:00:00.000Z`, 'WH-1', [1]);
const damaged = new ReturnStory(
  'RMA-1',
  { ...onTime.spec, warehouseId: 'WH-1' },
  '2026-11-18T09:00:00.000Z',
  [{ lineIndex: 0, quantity: 1, reasonCode: 'DAMAGED' }],
).authorize('2026-11-18T09:00:01.000Z');
const idsOf = (events: readonly TopicEvent[]): string[] => events.map(({ event }) => event.id);

let stack: KpiStack;
/** A time after the orders were known and before the return was sent. */
let beforeReturn: string;

async function get<T>(url: string, headers: Record<string, string> = AUTH): Promise<T> {
  const response = await stack.app.inject({ method: 'GET', url, headers });
  expect([url, response.statusCode]).toEqual([url, 200]);
  return response.json();
}

async function status(url: string, headers: Record<string, string> = AUTH) {
  const response = await stack.app.inject({ method: 'GET', url, headers });
  const body = response.json() as { error?: { code: string; fields?: { field: string }[] } };
  return {
    status: response.statusCode,
    code: body.error?.code,
    // each field once (a value can break more than one rule of the same field)
    fields: [...new Set(body.error?.fields?.map((f) => f.field))],
  };
}

const monday = async (query = ''): Promise<Bucket> =>
  (await get<Report>(`/kpis?${RANGE}${query}`)).buckets[0];

beforeAll(async () => {
  stack = await startKpiStack(__filename, {
    OPSLINE_API_KEYS: 'dev-key=kpi:read,admin;k-orders=orders:write',
    // small, so that the last test can go over it
    KPI_AS_OF_MAX_EVENTS: '10',
  });
  // ORD-1's placed event twice: the journal must still hold it once
  await stack.publish([...onTime.events, ...late.events, onTime.events[0]]);
  await waitFor(
    'both orders shipped',
    async () => ((await monday()).metrics.ordersShipped === 2 ? true : undefined),
    60_000,
  );
  const known = Date.now();
  await waitFor('the clock to move on', () => (Date.now() > known + 5 ? true : undefined));
  beforeReturn = new Date(known + 1).toISOString();
  await stack.publish(damaged.events);
  await waitFor(
    'the return applied',
    async () => ((await monday()).metrics.perfectOrderRate === 0 ? true : undefined),
    60_000,
  );
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /kpis?asOf= (what the KPIs were as known then)', () => {
  it('answers the old perfect-order rate before the later DAMAGED return, and marks that bucket restated', async () => {
    expect((await monday()).metrics.perfectOrderRate).toBe(0);
    const report = await get<Report>(`/kpis?${RANGE}&asOf=${beforeReturn}`);
    expect(report.asOf).toBe(beforeReturn);
    expect(report.buckets[0].metrics).toMatchObject({
      ordersShipped: 2,
      onTimeShipmentRate: 0.5,
      perfectOrderRate: 0.5,
    });
    expect(report.buckets.map((bucket) => [bucket.start.slice(0, 10), bucket.restated])).toEqual([
      ['2026-11-16', true],
      ['2026-11-17', false],
      ['2026-11-18', true], // where the return itself counts (unitsReturned 0 → 1)
      ['2026-11-19', false],
    ]);
    expect(report.totalsRestated).toBe(true);
  });

  it('as of now is the current answer, with nothing restated', async () => {
    const current = await get<Report>(`/kpis?${RANGE}`);
    const now = await get<Report>(`/kpis?${RANGE}&asOf=${new Date().toISOString()}`);
    expect(now.buckets.map((bucket) => bucket.restated)).toEqual([false, false, false, false]);
    expect(now.buckets.map((bucket) => bucket.metrics)).toEqual(
      current.buckets.map((bucket) => bucket.metrics),
    );
    expect(now.totals).toEqual(current.totals);
  });

  it('as of before anything was known is all zeros, every bucket with facts since marked restated', async () => {
    const report = await get<Report>(`/kpis?${RANGE}&asOf=2020-01-01T00:00:00.000Z`);
    expect(report.totals).toMatchObject({ ordersPlaced: 0, ordersShipped: 0, perfectOrderRate: null });
    expect(report.buckets.map((bucket) => bucket.restated)).toEqual([true, false, true, false]);
  });

  it('answers CSV with a restated column', async () => {
    const response = await stack.app.inject({
      method: 'GET',
      url: `/kpis?${RANGE}&asOf=${beforeReturn}&format=csv`,
      headers: AUTH,
    });
    expect(response.statusCode).toBe(200);
    const [header, first, second] = response.body.split('\r\n').map((row) => row.split(','));
    expect(header[header.length - 1]).toBe('restated');
    expect([first[0], first[first.length - 1]]).toEqual(['2026-11-16T00:00:00.000Z', 'true']);
    expect(second[second.length - 1]).toBe('false');
    expect(first[header.indexOf('perfectOrderRate')]).toBe('0.5');
  });

  it('refuses an asOf in the future or without a zone with a 400 naming asOf', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    for (const asOf of [future, '2026-11-17T10:00:00', 'yesterday'])
      expect(await status(`/kpis?${RANGE}&asOf=${encodeURIComponent(asOf)}`)).toMatchObject({
        status: 400,
        fields: ['asOf'],
      });
  });
});

describe('GET /kpis/lineage (the facts and events behind a number)', () => {
  const lineage = (query: string, headers?: Record<string, string>) =>
    get<Lineage>(`/kpis/lineage?${query}`, headers);

  it('lists the shipped orders behind the perfect-order rate, with the order and return event ids', async () => {
    const result = await lineage(`metric=perfectOrderRate&bucket=${MONDAY}T00:00:00.000Z&granularity=day`);
    expect(result).toMatchObject({ value: 0, numerator: 0, denominator: 2, factCount: 2, nextCursor: null });
    const [first, second] = result.facts;
    expect(first).toMatchObject({
      kind: 'order',
      key: 'ORD-1',
      fact: {
        onTime: true,
        perfect: false,
        imperfectReturnIds: ['RMA-1'],
        lastShippedAt: `${MONDAY}T12:00:00.000Z`,
      },
    });
    expect(first.eventIds).toEqual([...idsOf(onTime.events), ...idsOf(damaged.events)]);
    expect(second).toMatchObject({ key: 'ORD-2', numerator: 0, fact: { onTime: false, perfect: false } });
    expect(second.eventIds).toEqual(idsOf(late.events));
  });

  it('as of before the return, names only the order events and the old value', async () => {
    const result = await lineage(
      `metric=perfectOrderRate&bucket=${MONDAY}T00:00:00.000Z&asOf=${beforeReturn}`,
    );
    expect(result).toMatchObject({ value: 0.5, numerator: 1, denominator: 2, asOf: beforeReturn });
    expect(result.facts[0]).toMatchObject({
      key: 'ORD-1',
      numerator: 1,
      fact: { perfect: true, imperfectReturnIds: [] },
    });
    expect(result.facts[0].eventIds).toEqual(idsOf(onTime.events));
  });

  it.each([
    ['ordersPlaced', 'day'],
    ['unitsShipped', 'day'],
    ['onTimeShipmentRate', 'day'],
    ['orderCycleTimeHours', 'day'],
    ['unitsReturned', 'week'],
    ['returnRate', 'week'],
    ['orderValueMinor', 'week'],
  ])('adds up to what GET /kpis answers for %s (%s)', async (metric, granularity) => {
    const bucket = `${MONDAY}T00:00:00.000Z`;
    const report = await get<Report>(
      `/kpis?from=${bucket}&to=2026-11-23T00:00:00.000Z&granularity=${granularity}`,
    );
    const result = await lineage(`metric=${metric}&bucket=${bucket}&granularity=${granularity}&limit=1000`);
    expect(result.value).toEqual(report.buckets[0].metrics[metric]);
    const numerators = result.facts.reduce((total, fact) => total + fact.numerator, 0);
    expect(numerators).toBeCloseTo(result.numerator, 9);
    if (result.denominator !== null && result.denominator > 0 && metric !== 'orderCycleTimeHours')
      expect(result.numerator / result.denominator).toBeCloseTo(result.value as number, 12);
  });

  it('pages the facts with limit and cursor, and accepts from/to instead of a bucket', async () => {
    const query = `metric=ordersPlaced&from=${MONDAY}T00:00:00.000Z&to=2026-11-17T00:00:00.000Z`;
    const first = await lineage(`${query}&limit=1`);
    expect(first).toMatchObject({ value: 2, factCount: 2, facts: [{ key: 'ORD-1' }] });
    expect(first.nextCursor).not.toBeNull();
    const second = await lineage(`${query}&limit=1&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ facts: [{ key: 'ORD-2' }], nextCursor: null });
  });

  it.each([
    ['metric=speed&bucket=2026-11-16T00:00:00.000Z', 'metric'],
    ['bucket=2026-11-16T00:00:00.000Z', 'metric'],
    ['metric=ordersPlaced', 'bucket'],
    ['metric=ordersPlaced&bucket=2026-11-16T05:00:00.000Z', 'bucket'],
    ['metric=ordersPlaced&bucket=2026-11-17T00:00:00.000Z&granularity=week', 'bucket'],
    ['metric=ordersPlaced&bucket=2026-11-16T00:00:00.000Z&granularity=year', 'granularity'],
    ['metric=ordersPlaced&from=2026-11-17T00:00:00.000Z&to=2026-11-16T00:00:00.000Z', 'from'],
    ['metric=ordersPlaced&bucket=2026-11-16T00:00:00.000Z&limit=0', 'limit'],
    ['metric=ordersPlaced&bucket=2026-11-16T00:00:00.000Z&cursor=bm9wZQ', 'cursor'],
    ['metric=ordersPlaced&bucket=2026-11-16T00:00:00.000Z&asOf=2999-01-01T00:00:00.000Z', 'asOf'],
    ['metric=ordersPlaced&bucket=2026-11-16T00:00:00.000Z&warehouseId=a%20b', 'warehouseId'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    expect(await status(`/kpis/lineage?${query}`)).toEqual({
      status: 400,
      code: 'REQUEST.VALIDATION_FAILED',
      fields: [field],
    });
  });

  it('needs the kpi:read scope', async () => {
    const url = `/kpis/lineage?metric=ordersPlaced&bucket=${MONDAY}T00:00:00.000Z`;
    expect((await status(url, ORDERS_ONLY_KEY)).status).toBe(403);
    expect((await status(url, {})).status).toBe(401);
  });
});

describe('the OpenAPI document', () => {
  it('documents asOf on GET /kpis, the restated marks, and GET /kpis/lineage with its parameters', async () => {
    const document = await get<{
      paths: Record<string, { get?: { parameters: { name: string }[] } }>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    }>('/docs-json');
    const parameters = (path: string) => document.paths[path]?.get?.parameters.map((p) => p.name) ?? [];
    expect(parameters('/kpis')).toContain('asOf');
    expect(parameters('/kpis/lineage')).toEqual(
      expect.arrayContaining(['metric', 'bucket', 'granularity', 'from', 'to', 'asOf', 'limit', 'cursor']),
    );
    expect(Object.keys(document.components.schemas.AsOfBucketView.properties)).toContain('restated');
    expect(Object.keys(document.components.schemas.LineageFactView.properties)).toEqual(
      expect.arrayContaining(['numerator', 'denominator', 'eventIds']),
    );
  });
});

describe('the event journal', () => {
  const journalOf = async (schema: string) =>
    stack.app.get(DataSource).query(
      `SELECT event_id, topic, partition, "offset"::text AS "offset", known_since, type, subject
       FROM "${schema}".event_journal ORDER BY event_id`,
    );

  it('records since when an event was known: its Kafka record timestamp to the millisecond, else the time it was applied', async () => {
    const runner = stack.app.get(DataSource).createQueryRunner();
    await runner.startTransaction();
    try {
      const journal = new EventJournalRepository(new KpiTables('kpi').journal);
      const event = (id: string) => ({
        id,
        type: 'opsline.order.placed.v1',
        source: 'test',
        subject: 'ORD-KNOWN',
        time: '2026-11-20T09:00:00.000Z',
        data: { orderId: 'ORD-KNOWN' },
      });
      await journal.append(
        runner.manager,
        'opsline.orders',
        0,
        [event('known-1'), event('known-2')],
        [
          { offset: '41', timestampMs: Date.parse('2026-11-20T10:00:00.123Z') },
          { offset: '42', timestampMs: Date.parse('2026-11-20T10:00:01.999Z') },
        ],
      );
      await journal.append(runner.manager, 'opsline.orders', 0, [event('known-3')], undefined);
      const [{ now }] = (await runner.query('SELECT now()')) as { now: Date }[];
      expect(
        await runner.query(
          `SELECT event_id, "offset"::text AS "offset", known_since FROM kpi.event_journal
           WHERE subject = 'ORD-KNOWN' ORDER BY event_id`,
        ),
      ).toEqual([
        { event_id: 'known-1', offset: '41', known_since: new Date('2026-11-20T10:00:00.123Z') },
        { event_id: 'known-2', offset: '42', known_since: new Date('2026-11-20T10:00:01.999Z') },
        { event_id: 'known-3', offset: null, known_since: now },
      ]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('holds every applied event once (a duplicate delivery too), with its place in the log; a rebuild refills it and answers the same as-of', async () => {
    const rows = (await journalOf('kpi')) as { event_id: string; offset: string | null; topic: string }[];
    expect(rows.map((row) => row.event_id).sort()).toEqual(
      idsOf([...onTime.events, ...late.events, ...damaged.events]).sort(),
    );
    expect(rows.every((row) => row.offset !== null)).toBe(true);
    const asOfBefore = await get<Report>(`/kpis?${RANGE}&asOf=${beforeReturn}`);

    const started = await stack.app.inject({
      method: 'POST',
      url: '/admin/read-models/rebuild',
      headers: AUTH,
    });
    expect(started.statusCode).toBe(202);
    await waitFor(
      'the rebuild to switch',
      async () => {
        const progress = (
          await stack.app.inject({ method: 'GET', url: '/admin/read-models/rebuild', headers: AUTH })
        ).json() as { rebuild: { status: string } | null };
        return progress.rebuild?.status === 'switched' ? true : undefined;
      },
      60_000,
    );
    // the Kafka timestamp is where the record sits in the log: the rebuild reads the same one
    expect(await journalOf('kpi_v2')).toEqual(await journalOf('kpi'));
    expect(await get<Report>(`/kpis?${RANGE}&asOf=${beforeReturn}`)).toEqual(asOfBefore);
  });

  it('refuses an answer that would replay more than KPI_AS_OF_MAX_EVENTS events with a 422 naming the reason', async () => {
    const more = ['ORD-3', 'ORD-4', 'ORD-5', 'ORD-6'].map(
      (orderId) =>
        new OrderStory({
          orderId,
          channel: 'webshop',
          placedAt: '2026-11-19T08:00:00.000Z',
          promisedShipBy: '2026-11-20T08:00:00.000Z',
          lines: [{ sku: 'SKU-A', quantity: 1, unitPriceMinor: 100 }],
        }),
    );
    await stack.publish(more.flatMap((story) => story.events));
    await waitFor(
      'the orders placed on Thursday',
      async () => ((await get<Report>(`/kpis?${RANGE}`)).totals.ordersPlaced === 6 ? true : undefined),
      60_000,
    );
    // 7 events before, 11 now (the limit of this stack is 10)
    const now = new Date().toISOString();
    expect(await status(`/kpis?${RANGE}&asOf=${now}`)).toMatchObject({
      status: 422,
      code: 'KPI.JOURNAL_SLICE_TOO_LARGE',
    });
    expect(await status(`/kpis/lineage?metric=ordersPlaced&bucket=${MONDAY}T00:00:00.000Z`)).toMatchObject({
      status: 422,
      code: 'KPI.JOURNAL_SLICE_TOO_LARGE',
    });
    expect(
      (await get<Report>(`/kpis?${RANGE}&asOf=${beforeReturn}`)).buckets[0].metrics.perfectOrderRate,
    ).toBe(0.5);
  });
});
