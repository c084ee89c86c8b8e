import { applyDomainEvent, InMemoryFactStore } from '../src/domain/in-memory-fact-store';
import type { KpiFacts } from '../src/domain/kpi-facts';
import type { KpiQuery, KpiReport } from '../src/domain/kpi-query';
import { computeKpisReference } from '../src/domain/kpi-reference';
import { AggregateStream, inAggregateOrder, kpiScenario, shuffledWithDuplicates } from './kpi-scenario';
import { AUTH, KpiStack, startKpiStack } from './kpi-stack';
import { OrderStory } from '../src/domain/kpi.fixtures';
import { DataSource } from 'typeorm';
import { PRUNED_FACT } from '../src/application/kpi-change-stream.use-case';
import { ChangeLogRetentionSweep } from '../src/infrastructure/change-log-retention.sweep';
import { LiveKpiTables } from '../src/infrastructure/read-models/read-model-versions.repository';

jest.setTimeout(180_000);

const FROM = '2026-11-16T00:00:00.000Z';
const TO = '2026-11-20T00:00:00.000Z';

/** The questions asked of both stacks: every granularity, and each filter. */
const QUERIES: readonly Partial<KpiQuery>[] = [
  { granularity: 'hour' },
  { granularity: 'day' },
  { granularity: 'week' },
  { granularity: 'month' },
  { granularity: 'day', from: '2026-11-16T07:30:00.000Z', to: '2026-11-18T13:00:00.000Z' },
  { granularity: 'day', warehouseId: 'WH-1' },
  { granularity: 'day', warehouseId: 'WH-3' },
  { granularity: 'day', sku: 'SKU-A' },
  { granularity: 'day', channel: 'marketplace' },
  { granularity: 'week', warehouseId: 'WH-2', sku: 'SKU-C', channel: 'webshop' },
];

function queryOf(partial: Partial<KpiQuery>): KpiQuery {
  return { from: FROM, to: TO, granularity: 'day', warehouseId: null, sku: null, channel: null, ...partial };
}

function urlOf(query: KpiQuery): string {
  const params = new URLSearchParams({ from: query.from, to: query.to, granularity: query.granularity });
  for (const key of ['warehouseId', 'sku', 'channel'] as const) {
    const value = query[key];
    if (value !== null) params.set(key, value);
  }
  return `/kpis?${params.toString()}`;
}

/** Floats from SQL and from JavaScript may differ in the last bits; everything else must be equal. */
function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(10));
  if (Array.isArray(value)) return value.map(rounded);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

async function getKpis(stack: KpiStack, query: KpiQuery): Promise<KpiReport & { freshness: unknown }> {
  const response = await stack.app.inject({ method: 'GET', url: urlOf(query), headers: AUTH });
  expect(response.statusCode).toBe(200);
  return response.json();
}

const streams: AggregateStream[] = kpiScenario(20261116, 100);
let referenceFacts: KpiFacts;
let canonical: KpiStack;
let shuffled: KpiStack;

beforeAll(async () => {
  const store = new InMemoryFactStore();
  for (const { event } of inAggregateOrder(streams)) applyDomainEvent(store, event);
  referenceFacts = store.facts();
  [canonical, shuffled] = await Promise.all([
    startKpiStack(`${__filename}-canonical`),
    startKpiStack(`${__filename}-shuffled`),
  ]);
  await Promise.all([
    canonical.publish(inAggregateOrder(streams)),
    shuffled.publish(shuffledWithDuplicates(streams, 7, 80), 7),
  ]);
  await Promise.all([canonical.waitUntilApplied(), shuffled.waitUntilApplied()]);
});

afterAll(async () => {
  await Promise.all([canonical?.stop(), shuffled?.stop()]);
});

describe('GET /kpis against the reference computation of §5', () => {
  it('has a scenario that exercises every metric', () => {
    const { totals } = computeKpisReference(referenceFacts, queryOf({}));
    for (const [name, value] of Object.entries(totals)) {
      if (typeof value === 'number') expect([name, value]).not.toEqual([name, 0]);
      else expect([name, value]).not.toEqual([name, null]);
    }
    expect(totals.perfectOrderRate).not.toBe(1);
  });

  it.each(QUERIES.map((q) => [JSON.stringify(q), q] as const))(
    'answers %s exactly as the reference, and the same for shuffled, duplicated delivery',
    async (_name, partial) => {
      const query = queryOf(partial);
      const expected = rounded(computeKpisReference(referenceFacts, query));
      const { freshness, ...fromCanonical } = await getKpis(canonical, query);
      const { freshness: _ignored, ...fromShuffled } = await getKpis(shuffled, query);
      expect(rounded(fromCanonical)).toEqual(expected);
      expect(rounded(fromShuffled)).toEqual(expected);
      expect(freshness).toEqual({
        newestEventTime: expect.stringMatching(/^2026-11-\d\dT/),
        lagByTopic: { 'opsline.orders': 0, 'opsline.returns': 0, 'opsline.inventory': 0 },
        computedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    },
  );

  it('changes nothing when every event is delivered again', async () => {
    const query = queryOf({ granularity: 'day' });
    const before = await getKpis(canonical, query);
    await canonical.publish(shuffledWithDuplicates(streams, 99, 0));
    await canonical.waitUntilApplied();
    const after = await getKpis(canonical, query);
    expect(after.buckets).toEqual(before.buckets);
    expect(after.totals).toEqual(before.totals);
  });
});

describe('GET /kpis edges', () => {
  const get = (url: string, headers: Record<string, string> = AUTH) =>
    canonical.app.inject({ method: 'GET', url, headers });

  it.each([
    ['from=nope&to=2026-11-20T00:00:00.000Z', 'from'],
    ['from=2026-11-16T00:00:00&to=2026-11-20T00:00:00.000Z', 'from'],
    ['from=2026-11-16T00:00:00.000Z', 'to'],
    ['from=2026-11-20T00:00:00.000Z&to=2026-11-20T00:00:00.000Z', 'from'],
    ['from=2026-11-21T00:00:00.000Z&to=2026-11-20T00:00:00.000Z', 'from'],
    ['from=2026-11-16T00:00:00.000Z&to=2026-11-20T00:00:00.000Z&granularity=minute', 'granularity'],
    ['from=2020-01-01T00:00:00.000Z&to=2026-11-20T00:00:00.000Z&granularity=hour', 'granularity'],
    ['from=2026-11-16T00:00:00.000Z&to=2026-11-20T00:00:00.000Z&warehouseId=bad%20id', 'warehouseId'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const response = await get(`/kpis?${query}`);
    expect(response.statusCode).toBe(400);
    const body = response.json() as { error: { code: string; fields: { field: string }[] } };
    expect(body.error.code).toBe('REQUEST.VALIDATION_FAILED');
    expect(body.error.fields.map((f) => f.field)).toContain(field);
  });

  it('documents the KPI routes with an example in the OpenAPI document', async () => {
    const response = await get('/docs-json');
    expect(response.statusCode).toBe(200);
    const document = response.json() as {
      paths: Record<string, { get?: { responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> };
    };
    for (const path of ['/kpis', '/kpis/returns/reasons', '/kpis/inventory', '/kpis/stream'])
      expect(document.paths[path]?.get).toBeDefined();
    expect(document.components.schemas.KpiMetricsView.properties.ordersPlaced.example).toBe(12);
    expect(document.components.schemas.KpiReportView.properties.from.example).toBe(
      '2026-11-16T00:00:00.000Z',
    );
  });

  it('needs a key with kpi:read', async () => {
    expect((await get(`/kpis?from=${FROM}&to=${TO}`, {})).statusCode).toBe(401);
  });

  it('answers CSV with a header row and one row per bucket for Accept: text/csv and for format=csv', async () => {
    const query = queryOf({ granularity: 'day' });
    const json = await getKpis(canonical, query);
    for (const [url, headers] of [
      [urlOf(query), { ...AUTH, accept: 'text/csv' }],
      [`${urlOf(query)}&format=csv`, AUTH],
    ] as const) {
      const response = await get(url, headers);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/csv');
      const rows = response.body.trimEnd().split('\r\n');
      expect(rows).toHaveLength(json.buckets.length + 1);
      const header = rows[0].split(',');
      expect(header.slice(0, 3)).toEqual(['start', 'end', 'ordersPlaced']);
      expect(header).toContain('orderCycleTimeHoursP90');
      const first = rows[1].split(',');
      const metrics = json.buckets[0].metrics;
      expect(first[header.indexOf('ordersPlaced')]).toBe(String(metrics.ordersPlaced));
      expect(first[header.indexOf('orderCycleTimeHoursP50')]).toBe(
        metrics.orderCycleTimeHours.p50 === null ? '' : String(metrics.orderCycleTimeHours.p50),
      );
      expect(first[header.indexOf('cancellationRate')]).toBe(
        metrics.cancellationRate === null ? '' : String(metrics.cancellationRate),
      );
    }
  });
});

describe('GET /kpis/returns/reasons and /kpis/inventory', () => {
  it('breaks authorized return units down by reason, most first, shares summing to 1', async () => {
    const response = await canonical.app.inject({
      method: 'GET',
      url: `/kpis/returns/reasons?from=${FROM}&to=${TO}`,
      headers: AUTH,
    });
    expect(response.statusCode).toBe(200);
    const reasons = response.json() as { reasonCode: string; units: number; share: number }[];
    const returns = new Map(referenceFacts.returns.map((r) => [r.returnId, r]));
    const expected = new Map<string, number>();
    for (const line of referenceFacts.returnLines) {
      const requestedAt = Date.parse(returns.get(line.returnId)?.requestedAt ?? '');
      if (line.authorizedQuantity > 0 && requestedAt >= Date.parse(FROM) && requestedAt < Date.parse(TO))
        expected.set(line.reasonCode, (expected.get(line.reasonCode) ?? 0) + line.authorizedQuantity);
    }
    expect(new Map(reasons.map((r) => [r.reasonCode, r.units]))).toEqual(expected);
    expect(reasons.map((r) => r.units)).toEqual([...reasons.map((r) => r.units)].sort((a, b) => b - a));
    expect(reasons.reduce((sum, r) => sum + r.share, 0)).toBeCloseTo(1, 12);
  });

  it('lists the newest position of each warehouse × sku with belowReorderPoint and 28-day daysOfSupply', async () => {
    const now = Date.now();
    const response = await canonical.app.inject({
      method: 'GET',
      url: '/kpis/inventory?warehouseId=WH-1',
      headers: AUTH,
    });
    expect(response.statusCode).toBe(200);
    const shippedInWindow = (warehouseId: string, sku: string): number =>
      referenceFacts.shipmentLines
        .filter((line) => line.warehouseId === warehouseId && line.sku === sku)
        .filter(
          (line) => Date.parse(line.shippedAt) > now - 28 * 86_400_000 && Date.parse(line.shippedAt) <= now,
        )
        .reduce((sum, line) => sum + line.quantity, 0);
    const expected = referenceFacts.positions
      .filter((p) => p.warehouseId === 'WH-1')
      .sort((a, b) => a.sku.localeCompare(b.sku))
      .map((p) => {
        const shipped = shippedInWindow(p.warehouseId, p.sku);
        return {
          warehouseId: p.warehouseId,
          sku: p.sku,
          onHand: p.onHand,
          reserved: p.reserved,
          available: p.available,
          reorderPoint: p.reorderPoint,
          belowReorderPoint: p.reorderPoint !== null && p.available < p.reorderPoint,
          daysOfSupply: shipped === 0 ? null : p.available / (shipped / 28),
        };
      });
    expect(response.json()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('answers the positions as CSV', async () => {
    const response = await canonical.app.inject({
      method: 'GET',
      url: '/kpis/inventory?format=csv',
      headers: AUTH,
    });
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.body.split('\r\n')[0]).toBe(
      'warehouseId,sku,onHand,reserved,available,reorderPoint,belowReorderPoint,daysOfSupply',
    );
  });
});

describe('GET /kpis/stream (Server-Sent Events)', () => {
  interface SseMessage {
    id: string;
    event: string;
    data: { id: number; facts: string[]; granularity: string; buckets: KpiReport['buckets'] };
  }

  /** Opens the stream and reads messages until `done` says enough (or the deadline passes). */
  async function readStream(
    url: string,
    headers: Record<string, string>,
    done: (messages: SseMessage[]) => boolean,
    whileOpen: () => Promise<void> = async () => undefined,
  ): Promise<SseMessage[]> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const messages: SseMessage[] = [];
    let buffered = '';
    const deadline = Date.now() + 30_000;
    await whileOpen();
    try {
      while (!done(messages) && Date.now() < deadline) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => !line.startsWith(':') && line.includes(': '))
              .map((line) => [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)]),
          );
          if (fields.event !== undefined)
            messages.push({
              id: fields.id,
              event: fields.event,
              data: JSON.parse(fields.data) as SseMessage['data'],
            });
        }
      }
    } finally {
      abort.abort();
    }
    return messages;
  }

  let base: string;
  beforeAll(async () => {
    await canonical.app.listen(0, '127.0.0.1');
    base = await canonical.app.getUrl();
  });

  it('replays changes after Last-Event-ID with the changed buckets as GET /kpis computes them', async () => {
    const [first] = await readStream(
      `${base}/kpis/stream?granularity=day&channel=webshop`,
      { ...AUTH, 'last-event-id': '0' },
      (m) => m.length > 0,
    );
    expect(first.event).toBe('kpi-buckets');
    expect(first.id).toBe(String(first.data.id));
    expect(first.data.buckets.length).toBeGreaterThan(0);
    const bucket = first.data.buckets[0];
    const report = await getKpis(
      canonical,
      queryOf({ from: bucket.start, to: bucket.end, channel: 'webshop' }),
    );
    expect(bucket.metrics).toEqual(report.buckets[0].metrics);
  });

  it('announces a newly applied order in its placedAt bucket', async () => {
    const story = new OrderStory({
      orderId: 'ORD-STREAMED',
      channel: 'webshop',
      warehouseId: 'WH-1',
      placedAt: '2026-12-07T10:00:00.000Z',
      promisedShipBy: '2026-12-08T10:00:00.000Z',
      lines: [{ sku: 'SKU-A', quantity: 4, unitPriceMinor: 250 }],
    });
    const messages = await readStream(
      `${base}/kpis/stream?granularity=week`,
      AUTH,
      (m) => m.some((message) => message.data.buckets.some((b) => b.start === '2026-12-07T00:00:00.000Z')),
      () => canonical.publish(story.events),
    );
    const bucket = messages
      .flatMap((message) => message.data.buckets)
      .find((b) => b.start === '2026-12-07T00:00:00.000Z');
    expect(bucket).toMatchObject({
      end: '2026-12-14T00:00:00.000Z',
      metrics: { ordersPlaced: 1, unitsOrdered: 4 },
    });
  });

  it('after retention pruned the changes a stream would resume from, says so (expired), then goes on', async () => {
    const dataSource = canonical.app.get(DataSource);
    const { changes } = canonical.app.get(LiveKpiTables).tables;
    const ids = (await dataSource.query(`SELECT id FROM ${changes} ORDER BY id`)) as { id: string }[];
    expect(ids.length).toBeGreaterThan(3);
    // the oldest half was recorded long ago; the sweep (7 days' retention) prunes it
    const through = Number(ids[Math.floor(ids.length / 2)].id);
    await dataSource.query(`UPDATE ${changes} SET recorded_at = now() - interval '8 days' WHERE id <= $1`, [
      through,
    ]);
    await canonical.app.get(ChangeLogRetentionSweep).runOnce();
    const kept = (await dataSource.query(`SELECT id, fact FROM ${changes} WHERE id <= $1`, [through])) as {
      id: string;
      fact: string;
    }[];
    expect(kept).toEqual([{ id: String(through), fact: PRUNED_FACT }]);

    const resumed = await readStream(
      `${base}/kpis/stream?granularity=day`,
      { ...AUTH, 'last-event-id': String(Number(ids[0].id)) },
      (m) => m.length > 1,
    );
    expect(resumed[0]).toMatchObject({
      id: String(through),
      event: 'expired',
      data: { id: through, expired: true },
    });
    expect(resumed[1].event).toBe('kpi-buckets');
    expect(Number(resumed[1].id)).toBeGreaterThan(through);
    // a stream already past the pruned changes misses nothing and hears nothing about them
    const current = await readStream(
      `${base}/kpis/stream?granularity=day`,
      { ...AUTH, 'last-event-id': String(through) },
      (m) => m.length > 0,
    );
    expect(current[0].event).toBe('kpi-buckets');
    // a second sweep finds nothing older to prune
    await canonical.app.get(ChangeLogRetentionSweep).runOnce();
    expect(
      await dataSource.query(`SELECT count(*)::int AS n FROM ${changes} WHERE id <= $1`, [through]),
    ).toEqual([{ n: 1 }]);
  });

  it('refuses a Last-Event-ID that is not an id', async () => {
    const response = await canonical.app.inject({
      method: 'GET',
      url: '/kpis/stream',
      headers: { ...AUTH, 'last-event-id': 'yesterday' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { fields: [{ field: 'Last-Event-ID' }] } });
  });
});
