import { inAggregateOrder, kpiScenario } from '../../test/kpi-scenario';
import {
  aggregateKeyOf,
  asOfReportCsv,
  computeKpisFromFacts,
  JournalReplay,
  markRestated,
  sameMetrics,
} from './as-of';
import { OrderStory, ReturnStory, TopicEvent } from './kpi.fixtures';
import type { KpiQuery } from './kpi-query';
import { computeKpisReference } from './kpi-reference';

const DAY = '2026-11-16'; // a Monday
const QUERY: KpiQuery = {
  from: `${DAY}T00:00:00.000Z`,
  to: '2026-11-20T00:00:00.000Z',
  granularity: 'day',
  warehouseId: null,
  sku: null,
  channel: null,
};

function replayed(events: readonly TopicEvent[]): JournalReplay {
  const replay = new JournalReplay();
  replay.apply(events.map(({ event }) => event));
  return replay;
}

/** An order placed on Monday, shipped in one shipment on time; a DAMAGED return of it later. */
function lateDamagedReturn(): { order: TopicEvent[]; theReturn: TopicEvent[] } {
  const story = new OrderStory({
    orderId: 'ORD-1',
    channel: 'webshop',
    warehouseId: 'WH-1',
    placedAt: `${DAY}T08:00:00.000Z`,
    promisedShipBy: `${DAY}T18:00:00.000Z`,
    lines: [{ sku: 'SKU-A', quantity: 2, unitPriceMinor: 1000 }],
  })
    .allocate(`${DAY}T08:05:00.000Z`, 'WH-1', [2])
    .ship('SHP-1', `${DAY}T12:00:00.000Z`, 'WH-1', [2]);
  const theReturn = new ReturnStory(
    'RMA-1',
    { ...story.spec, warehouseId: 'WH-1' },
    '2026-11-18T09:00:00.000Z',
    [{ lineIndex: 0, quantity: 1, reasonCode: 'DAMAGED' }],
  ).authorize('2026-11-18T09:00:01.000Z');
  return { order: story.events, theReturn: theReturn.events };
}

describe('as-of answers (the journal replayed with the live projections)', () => {
  it('answer exactly what the reference computation answers over all facts, for every granularity and filter', () => {
    const replay = replayed(inAggregateOrder(kpiScenario(20261116, 150)));
    const queries: KpiQuery[] = [
      QUERY,
      { ...QUERY, granularity: 'hour', to: '2026-11-17T12:00:00.000Z' },
      { ...QUERY, granularity: 'week', from: '2026-11-17T06:30:00.000Z' },
      { ...QUERY, warehouseId: 'WH-2' },
      { ...QUERY, sku: 'SKU-C' },
      { ...QUERY, channel: 'marketplace' },
    ];
    for (const query of queries)
      expect(computeKpisFromFacts(replay.facts(), query)).toEqual(
        computeKpisReference(replay.facts(), query),
      );
  });

  it('show the past bucket as it was before a later DAMAGED return, and mark it restated against today', () => {
    const { order, theReturn } = lateDamagedReturn();
    const before = computeKpisFromFacts(replayed(order).facts(), QUERY);
    const now = computeKpisFromFacts(replayed([...order, ...theReturn]).facts(), QUERY);
    expect(before.buckets[0].metrics.perfectOrderRate).toBe(1);
    expect(now.buckets[0].metrics.perfectOrderRate).toBe(0);

    const asOfBefore = markRestated(before, now, '2026-11-17T00:00:00.000Z', order.length);
    expect(asOfBefore.buckets.map((bucket) => [bucket.start.slice(0, 10), bucket.restated])).toEqual([
      ['2026-11-16', true], // the perfect-order rate changed since
      ['2026-11-17', false],
      ['2026-11-18', true], // the return's own bucket: unitsReturned 0 → 1
      ['2026-11-19', false],
    ]);
    expect(asOfBefore.totalsRestated).toBe(true);
    expect(asOfBefore.asOf).toBe('2026-11-17T00:00:00.000Z');

    const asOfNow = markRestated(now, now, '2026-11-19T00:00:00.000Z', order.length + theReturn.length);
    expect(asOfNow.buckets.some((bucket) => bucket.restated)).toBe(false);
    expect(asOfNow.totalsRestated).toBe(false);
  });

  it('treat floating-point noise as the same number, and any other difference (or null) as a restatement', () => {
    const { order } = lateDamagedReturn();
    const metrics = computeKpisFromFacts(replayed(order).facts(), QUERY).buckets[0].metrics;
    const cycle = metrics.orderCycleTimeHours;
    expect(
      sameMetrics(metrics, {
        ...metrics,
        orderCycleTimeHours: { ...cycle, avg: (cycle.avg as number) + 1e-12 },
      }),
    ).toBe(true);
    expect(sameMetrics(metrics, { ...metrics, onTimeShipmentRate: 0.5 })).toBe(false);
    expect(sameMetrics(metrics, { ...metrics, onTimeShipmentRate: null })).toBe(false);
    expect(sameMetrics(metrics, { ...metrics, orderCycleTimeHours: { ...cycle, p90: null } })).toBe(false);
  });

  it('remember the events of each aggregate in log order, for lineage', () => {
    const { order, theReturn } = lateDamagedReturn();
    const replay = replayed([...order, ...theReturn]);
    expect(replay.eventIdsOf('order:ORD-1')).toEqual(order.map(({ event }) => event.id));
    expect(replay.eventIdsOf('return:RMA-1')).toEqual(theReturn.map(({ event }) => event.id));
    expect(replay.eventIdsOf('order:ORD-2')).toEqual([]);
    expect(replay.eventsApplied).toBe(order.length + theReturn.length);
    expect(aggregateKeyOf({ id: 'x', type: 'opsline.inventory.something.v1', data: {} })).toBeNull();
  });

  it('apply an event journaled twice (delivered again after its inbox row was pruned) once', () => {
    const { order, theReturn } = lateDamagedReturn();
    const once = replayed([...order, ...theReturn]);
    const twice = replayed([...order, ...theReturn, ...order, ...theReturn.slice(1)]);
    expect(twice.eventsApplied).toBe(order.length + theReturn.length);
    expect(twice.eventIdsOf('order:ORD-1')).toEqual(once.eventIdsOf('order:ORD-1'));
    expect(twice.eventIdsOf('return:RMA-1')).toEqual(once.eventIdsOf('return:RMA-1'));
    expect(twice.facts()).toEqual(once.facts());
  });

  it('answer CSV with the GET /kpis columns and a restated column', () => {
    const { order, theReturn } = lateDamagedReturn();
    const before = computeKpisFromFacts(replayed(order).facts(), QUERY);
    const now = computeKpisFromFacts(replayed([...order, ...theReturn]).facts(), QUERY);
    const rows = asOfReportCsv(markRestated(before, now, '2026-11-17T00:00:00.000Z', order.length))
      .split('\r\n')
      .map((row) => row.split(','));
    expect(rows[0].slice(-2)).toEqual(['inventoryAccuracy', 'restated']);
    expect(
      rows.slice(1, 5).map((row) => [row[0], row[rows[0].indexOf('perfectOrderRate')], row[row.length - 1]]),
    ).toEqual([
      ['2026-11-16T00:00:00.000Z', '1', 'true'],
      ['2026-11-17T00:00:00.000Z', '', 'false'],
      ['2026-11-18T00:00:00.000Z', '', 'true'],
      ['2026-11-19T00:00:00.000Z', '', 'false'],
    ]);
  });
});
