import { inAggregateOrder, kpiScenario } from '../../test/kpi-scenario';
import { JournalReplay } from './as-of';
import { OrderStory, ReturnStory } from './kpi.fixtures';
import type { KpiQuery } from './kpi-query';
import { computeKpisReference } from './kpi-reference';
import { LINEAGE_METRICS, metricLineage } from './lineage';

const DAY = '2026-11-16'; // a Monday
const QUERY: KpiQuery = {
  from: `${DAY}T00:00:00.000Z`,
  to: '2026-11-20T00:00:00.000Z',
  granularity: 'day',
  warehouseId: null,
  sku: null,
  channel: null,
};

const rounded = (value: unknown): unknown =>
  typeof value === 'number'
    ? Number(value.toFixed(9))
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(Object.entries(value).map(([key, v]) => [key, rounded(v)]))
      : value;

describe('lineage (the facts and events behind one number)', () => {
  const replay = new JournalReplay();
  replay.apply(inAggregateOrder(kpiScenario(20261117, 200)).map(({ event }) => event));
  const eventIdsOf = (key: string) => replay.eventIdsOf(key);

  it.each([
    ['no filter', {}],
    ['a warehouse', { warehouseId: 'WH-1' }],
    ['a sku', { sku: 'SKU-B' }],
    ['a channel', { channel: 'webshop' }],
  ])('adds up to the value GET /kpis answers, for every metric and day bucket (%s)', (_name, filters) => {
    const query = { ...QUERY, ...filters };
    const report = computeKpisReference(replay.facts(), query);
    for (const bucket of report.buckets) {
      const [startMs, endMs] = [Date.parse(bucket.start), Date.parse(bucket.end)];
      for (const metric of LINEAGE_METRICS) {
        const lineage = metricLineage(replay.facts(), query, metric, startMs, endMs, eventIdsOf);
        // the sums run in another order than the reference's, so equal up to floating-point noise
        expect({ metric, start: bucket.start, value: rounded(lineage.value) }).toEqual({
          metric,
          start: bucket.start,
          value: rounded(bucket.metrics[metric]),
        });
        const numerators = lineage.facts.reduce((total, fact) => total + fact.numerator, 0);
        expect(numerators).toBeCloseTo(lineage.numerator, 9);
        for (const fact of lineage.facts) expect(fact.eventIds.length).toBeGreaterThan(0);
      }
    }
  });

  it('lists the shipped orders of onTimeShipmentRate with when they shipped, the promise, and whether on time', () => {
    const report = computeKpisReference(replay.facts(), QUERY);
    const bucket = report.buckets[1];
    const lineage = metricLineage(
      replay.facts(),
      QUERY,
      'onTimeShipmentRate',
      Date.parse(bucket.start),
      Date.parse(bucket.end),
      eventIdsOf,
    );
    expect(lineage.facts.length).toBe(bucket.metrics.ordersShipped);
    expect(lineage.facts.length).toBeGreaterThan(3);
    for (const { fact, numerator, denominator } of lineage.facts) {
      expect(denominator).toBe(1);
      expect(numerator).toBe(fact.onTime ? 1 : 0);
      expect(fact.onTime).toBe(
        Date.parse(String(fact.lastShippedAt)) <= Date.parse(String(fact.promisedShipBy)),
      );
    }
  });

  it('names the order and its DAMAGED return (and their event ids) behind a perfect-order rate a return lowered', () => {
    const order = new OrderStory({
      orderId: 'ORD-9',
      channel: 'webshop',
      warehouseId: 'WH-1',
      placedAt: `${DAY}T08:00:00.000Z`,
      promisedShipBy: `${DAY}T10:00:00.000Z`,
      lines: [{ sku: 'SKU-A', quantity: 1, unitPriceMinor: 1000 }],
    })
      .allocate(`${DAY}T08:05:00.000Z`, 'WH-1', [1])
      .ship('SHP-1', `${DAY}T09:00:00.000Z`, 'WH-1', [1]);
    const damaged = new ReturnStory(
      'RMA-9',
      { ...order.spec, warehouseId: 'WH-1' },
      '2026-11-18T09:00:00.000Z',
      [{ lineIndex: 0, quantity: 1, reasonCode: 'DAMAGED' }],
    ).authorize('2026-11-18T09:00:00.000Z');
    const small = new JournalReplay();
    small.apply([...order.events, ...damaged.events].map(({ event }) => event));
    const lineage = metricLineage(
      small.facts(),
      QUERY,
      'perfectOrderRate',
      Date.parse(`${DAY}T00:00:00.000Z`),
      Date.parse('2026-11-17T00:00:00.000Z'),
      (key) => small.eventIdsOf(key),
    );
    expect(lineage).toMatchObject({ value: 0, numerator: 0, denominator: 1, combination: 'ratio' });
    expect(lineage.facts).toEqual([
      expect.objectContaining({
        kind: 'order',
        key: 'ORD-9',
        numerator: 0,
        fact: expect.objectContaining({ onTime: true, perfect: false, imperfectReturnIds: ['RMA-9'] }),
        eventIds: [...order.events, ...damaged.events].map(({ event }) => event.id),
      }),
    ]);
  });

  it('has no facts for inventoryAccuracy under a channel filter (the metric is null there)', () => {
    const lineage = metricLineage(
      replay.facts(),
      { ...QUERY, channel: 'webshop' },
      'inventoryAccuracy',
      Date.parse(QUERY.from),
      Date.parse(QUERY.to),
      eventIdsOf,
    );
    expect(lineage).toMatchObject({ value: null, facts: [] });
  });
});
