/**
 * The dashboard's pure logic (apps/kpi/dashboard/kpi-logic.js, sse.js, charts.js), loaded from the
 * very files the browser runs.
 */
import fc from 'fast-check';
import { dashboardModule } from './dashboard-modules';

type Kind = 'count' | 'rate' | 'hours';
interface Trend {
  change: number | null;
  direction: 'up' | 'down' | 'flat' | null;
  sentiment: 'good' | 'bad' | 'neutral';
}
interface Bucket {
  start: string;
  end?: string;
  metrics: Record<string, unknown>;
}
interface Filters {
  fromDate: string;
  toDate: string;
  granularity: string;
  warehouseId: string;
  channel: string;
  sku: string;
}
interface KpiLogic {
  metricValue(metrics: unknown, key: string): number | null;
  trend(current: number | null, previous: number | null, kind: Kind, better: 'up' | 'down'): Trend;
  formatTrend(result: Trend, kind: Kind): string;
  formatValue(value: number | null, kind: Kind): string;
  paretoSeries(reasons: { reasonCode: string; units: number; share?: number }[]): {
    reasonCode: string;
    units: number;
    share: number;
    cumulativeShare: number;
  }[];
  previousPeriod(from: string, to: string): { from: string; to: string };
  apiRange(fromDate: string, toDate: string): { from: string; to: string } | null;
  lastDays(days: number, now: number): { fromDate: string; toDate: string };
  filtersFromSearch(search: string, now: number): Filters;
  searchFromFilters(filters: Filters): string;
  apiQuery(values: Record<string, unknown>): string;
  mergeBuckets(buckets: Bucket[], changed: Bucket[]): { buckets: Bucket[]; replaced: number };
  freshnessSummary(
    freshness: {
      newestEventTime: string | null;
      lagByTopic: Record<string, number | null>;
      computedAt: string;
    },
    now: number,
  ): { text: string; stale: boolean; lag: number | null };
  sortPositions<T extends { warehouseId: string; sku: string; belowReorderPoint: boolean }>(
    positions: T[],
  ): T[];
  TILES: { key: string }[];
  CHARTS: { series: { key: string }[] }[];
}
interface SseEvent {
  id: string;
  event: string;
  data: string;
}
interface Sse {
  createSseParser(onEvent: (event: SseEvent) => void): { push(chunk: string): void; lastEventId: string };
}
interface Charts {
  linearScale(domain: [number, number], range: [number, number]): (value: number) => number;
  niceTicks(min: number, max: number, count: number): number[];
  valueDomain(seriesValues: (number | null)[][], kind: Kind): [number, number];
  linePath(values: (number | null)[], xOf: (i: number) => number, yOf: (v: number) => number): string;
  labelIndexes(length: number, count: number): number[];
}

const logic = dashboardModule<KpiLogic>('kpi-logic.js');
const sse = dashboardModule<Sse>('sse.js');
const charts = dashboardModule<Charts>('charts.js');

const NOW = Date.parse('2026-11-25T22:00:00.000Z');

describe('trend against the previous period', () => {
  it('measures counts and hours as a relative change, good or bad by which way is better', () => {
    expect(logic.trend(125, 100, 'count', 'up')).toEqual({ change: 25, direction: 'up', sentiment: 'good' });
    expect(logic.trend(30, 40, 'hours', 'down')).toEqual({
      change: -25,
      direction: 'down',
      sentiment: 'good',
    });
    expect(logic.trend(50, 40, 'hours', 'down')).toMatchObject({ direction: 'up', sentiment: 'bad' });
    expect(logic.formatTrend(logic.trend(125, 100, 'count', 'up'), 'count')).toBe('+25.0 %');
  });

  it('measures rates in percentage points, so 50 % → 60 % is +10 pts (not +20 %)', () => {
    const rise = logic.trend(0.6, 0.5, 'rate', 'up');
    expect(rise.change).toBeCloseTo(10, 9);
    expect(logic.formatTrend(rise, 'rate')).toBe('+10.0 pts');
    expect(logic.trend(0.06, 0.04, 'rate', 'down')).toMatchObject({ direction: 'up', sentiment: 'bad' });
    expect(logic.formatTrend(logic.trend(0.04, 0.06, 'rate', 'down'), 'rate')).toBe('−2.0 pts');
  });

  it('says "new" after a zero period, "—" when a side has no value, ±0 when unchanged', () => {
    expect(logic.formatTrend(logic.trend(3, 0, 'count', 'up'), 'count')).toBe('new');
    expect(logic.formatTrend(logic.trend(0, 0, 'count', 'up'), 'count')).toBe('±0');
    expect(logic.formatTrend(logic.trend(null, 0.5, 'rate', 'up'), 'rate')).toBe('—');
    expect(logic.formatTrend(logic.trend(0.5, null, 'rate', 'up'), 'rate')).toBe('—');
    expect(logic.trend(0.5, 0.5, 'rate', 'up')).toEqual({
      change: 0,
      direction: 'flat',
      sentiment: 'neutral',
    });
  });

  it('compares with the period of the same length just before', () => {
    expect(logic.previousPeriod('2026-11-01T00:00:00.000Z', '2026-11-08T00:00:00.000Z')).toEqual({
      from: '2026-10-25T00:00:00.000Z',
      to: '2026-11-01T00:00:00.000Z',
    });
  });
});

describe('values', () => {
  it('reads nested metrics and treats absent or null ones as missing', () => {
    const metrics = { ordersPlaced: 4, orderCycleTimeHours: { p50: 12.5, p90: null }, returnRate: null };
    expect(logic.metricValue(metrics, 'ordersPlaced')).toBe(4);
    expect(logic.metricValue(metrics, 'orderCycleTimeHours.p50')).toBe(12.5);
    expect(logic.metricValue(metrics, 'orderCycleTimeHours.p90')).toBeNull();
    expect(logic.metricValue(metrics, 'returnRate')).toBeNull();
    expect(logic.metricValue({ orderCycleTimeHours: null }, 'orderCycleTimeHours.p50')).toBeNull();
  });

  it('formats counts, rates and hours, and a zero-denominator rate as —', () => {
    expect(logic.formatValue(1204, 'count')).toBe('1,204');
    expect(logic.formatValue(0.9345, 'rate')).toBe('93.5%');
    expect(logic.formatValue(12.345, 'hours')).toBe('12.3 h');
    expect(logic.formatValue(null, 'rate')).toBe('—');
  });

  it('has a tile and a chart for every metric the issue names, all of them contract metrics', () => {
    const keys = [
      ...logic.TILES.map((t) => t.key),
      ...logic.CHARTS.flatMap((c) => c.series.map((s) => s.key)),
    ];
    for (const key of [
      'ordersPlaced',
      'lineFillRate',
      'onTimeShipmentRate',
      'orderCycleTimeHours.p50',
      'orderCycleTimeHours.p90',
      'returnRate',
      'recoveryRate',
    ])
      expect(keys).toContain(key);
  });
});

describe('the return-reason Pareto', () => {
  it('puts most units first and accumulates shares up to exactly 100 %', () => {
    const pareto = logic.paretoSeries([
      { reasonCode: 'NO_LONGER_NEEDED', units: 1, share: 0.1 },
      { reasonCode: 'DAMAGED', units: 6, share: 0.6 },
      { reasonCode: 'WRONG_ITEM', units: 3, share: 0.3 },
    ]);
    expect(pareto.map((r) => r.reasonCode)).toEqual(['DAMAGED', 'WRONG_ITEM', 'NO_LONGER_NEEDED']);
    expect(pareto.map((r) => r.cumulativeShare)).toEqual([0.6, 0.9, 1]);
    expect(pareto.map((r) => r.share)).toEqual([0.6, 0.3, 0.1]);
  });

  it('ends at 1 for any units, never decreasing, ties by reason code', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 8 }), (units) => {
        const pareto = logic.paretoSeries(units.map((n, i) => ({ reasonCode: `R${i}`, units: n })));
        const total = units.reduce((a, b) => a + b, 0);
        const last = pareto[pareto.length - 1].cumulativeShare;
        expect(last).toBe(total === 0 ? 0 : 1);
        for (let i = 1; i < pareto.length; i++) {
          expect(pareto[i].units).toBeLessThanOrEqual(pareto[i - 1].units);
          expect(pareto[i].cumulativeShare).toBeGreaterThanOrEqual(pareto[i - 1].cumulativeShare);
        }
      }),
    );
    expect(logic.paretoSeries([])).toEqual([]);
  });
});

describe('filters and ranges', () => {
  it('turns the inclusive date inputs into the API range, whose end is exclusive', () => {
    expect(logic.apiRange('2026-11-01', '2026-11-07')).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-08T00:00:00.000Z',
    });
    expect(logic.apiRange('2026-11-07', '2026-11-07')).toEqual({
      from: '2026-11-07T00:00:00.000Z',
      to: '2026-11-08T00:00:00.000Z',
    });
    expect(logic.apiRange('2026-11-08', '2026-11-07')).toBeNull();
    expect(logic.apiRange('', '2026-11-07')).toBeNull();
  });

  it('reads the filters back from the query string it writes, defaulting to the last 30 days by day', () => {
    const filters = {
      fromDate: '2026-10-01',
      toDate: '2026-10-20',
      granularity: 'week',
      warehouseId: 'WH-1',
      channel: 'webshop',
      sku: '',
    };
    const search = logic.searchFromFilters(filters);
    expect(search).toBe(
      '?fromDate=2026-10-01&toDate=2026-10-20&granularity=week&warehouseId=WH-1&channel=webshop',
    );
    expect(logic.filtersFromSearch(search, NOW)).toEqual(filters);
    expect(logic.filtersFromSearch('', NOW)).toEqual({
      fromDate: '2026-10-27',
      toDate: '2026-11-25',
      granularity: 'day',
      warehouseId: '',
      channel: '',
      sku: '',
    });
  });

  it('falls back to defaults for a granularity or range the API would refuse', () => {
    const filters = logic.filtersFromSearch('?granularity=year&fromDate=2026-11-09&toDate=2026-11-01', NOW);
    expect(filters).toMatchObject({ granularity: 'day', ...logic.lastDays(30, NOW) });
  });

  it('leaves empty filters out of API queries and encodes the rest', () => {
    expect(logic.apiQuery({ warehouseId: '', sku: null, channel: 'b2b portal', granularity: 'day' })).toBe(
      '?channel=b2b+portal&granularity=day',
    );
    expect(logic.apiQuery({ warehouseId: '' })).toBe('');
  });
});

describe('live updates', () => {
  const bucket = (start: string, orders: number): Bucket => ({ start, metrics: { ordersPlaced: orders } });

  it('replaces the buckets the stream changed, matched by instant, and ignores those outside the range', () => {
    const buckets = [bucket('2026-10-01T00:00:00.000Z', 1), bucket('2026-10-02T00:00:00.000Z', 2)];
    const result = logic.mergeBuckets(buckets, [
      bucket('2026-10-02T00:00:00+00:00', 3),
      bucket('2026-12-01T00:00:00.000Z', 9),
    ]);
    expect(result.replaced).toBe(1);
    expect(result.buckets.map((b) => b.metrics.ordersPlaced)).toEqual([1, 3]);
    expect(result.buckets[1].start).toBe('2026-10-02T00:00:00.000Z');
    expect(buckets[1].metrics.ordersPlaced).toBe(2);
  });

  it('says how fresh the data is, stale while messages wait or when the lag is unknown', () => {
    const base = { newestEventTime: '2026-10-15T09:30:00.000Z', computedAt: '2026-11-25T21:59:48.000Z' };
    expect(logic.freshnessSummary({ ...base, lagByTopic: { a: 0, b: 0 } }, NOW)).toEqual({
      text: 'newest event 2026-10-15 09:30 UTC · computed 12 s ago · up to date',
      stale: false,
      lag: 0,
    });
    expect(logic.freshnessSummary({ ...base, lagByTopic: { a: 1200, b: 3 } }, NOW)).toMatchObject({
      text: expect.stringContaining('1,203 messages behind'),
      stale: true,
    });
    expect(logic.freshnessSummary({ ...base, lagByTopic: { a: null } }, NOW)).toMatchObject({
      text: expect.stringContaining('lag unknown'),
      stale: true,
      lag: null,
    });
    expect(
      logic.freshnessSummary({ newestEventTime: null, computedAt: base.computedAt, lagByTopic: {} }, NOW)
        .text,
    ).toMatch(/^no events yet/);
  });

  it('lists inventory positions below their reorder point first', () => {
    const positions = [
      { warehouseId: 'WH-1', sku: 'SKU-1', belowReorderPoint: false },
      { warehouseId: 'WH-2', sku: 'SKU-1', belowReorderPoint: true },
      { warehouseId: 'WH-1', sku: 'SKU-2', belowReorderPoint: true },
    ];
    expect(logic.sortPositions(positions).map((p) => `${p.warehouseId}/${p.sku}`)).toEqual([
      'WH-1/SKU-2',
      'WH-2/SKU-1',
      'WH-1/SKU-1',
    ]);
  });
});

describe('the SSE parser', () => {
  const parse = (chunks: string[]): SseEvent[] => {
    const events: SseEvent[] = [];
    const parser = sse.createSseParser((event) => events.push(event));
    for (const chunk of chunks) parser.push(chunk);
    return events;
  };

  const STREAM =
    ': opsline kpi changes\n\n' +
    'id: 42\nevent: kpi-buckets\ndata: {"id":42,"facts":["orders"]}\n\n' +
    ': still here\n\n' +
    'id: 43\r\nevent: rebuilt\r\ndata: {"id":43,\r\ndata:"rebuilt":true}\r\n\r\n' +
    'data: no id here\rdata\r\r' +
    'event: ignored-without-data\n\n';

  const EXPECTED: SseEvent[] = [
    { id: '42', event: 'kpi-buckets', data: '{"id":42,"facts":["orders"]}' },
    { id: '43', event: 'rebuilt', data: '{"id":43,\n"rebuilt":true}' },
    { id: '43', event: 'message', data: 'no id here\n' },
  ];

  it('reads what the kpi stream sends: ids, event types, multi-line data, comments, every line ending', () => {
    expect(parse([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the bytes are split into chunks (CRLF across chunks included)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 12 }),
        (cuts) => {
          const sorted = [...cuts].sort((a, b) => a - b);
          const chunks = [0, ...sorted].map((at, i) => STREAM.slice(at, sorted[i] ?? STREAM.length));
          expect(parse(chunks)).toEqual(EXPECTED);
        },
      ),
    );
    expect(parse(STREAM.split(''))).toEqual(EXPECTED);
  });

  it('does not dispatch an event until its blank line arrives, and keeps the last event id', () => {
    const events: SseEvent[] = [];
    const parser = sse.createSseParser((event) => events.push(event));
    parser.push('id: 7\ndata: {"id":7}\n');
    expect(events).toEqual([]);
    parser.push('\n');
    expect(events).toEqual([{ id: '7', event: 'message', data: '{"id":7}' }]);
    expect(parser.lastEventId).toBe('7');
  });
});

describe('chart scaling', () => {
  it('maps values linearly, and a flat domain to the middle', () => {
    const y = charts.linearScale([0, 100], [172, 12]);
    expect([y(0), y(50), y(100)]).toEqual([172, 92, 12]);
    expect(charts.linearScale([5, 5], [0, 10])(5)).toBe(5);
  });

  it('picks round ticks and a domain from 0 to a tick at or above the largest value', () => {
    expect(charts.niceTicks(0, 87, 4)).toEqual([0, 20, 40, 60, 80]);
    expect(charts.niceTicks(0, 1, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(charts.valueDomain([[3, 87, null]], 'count')).toEqual([0, 100]);
    expect(charts.valueDomain([[0.2, 0.4]], 'rate')).toEqual([0, 1]);
    expect(charts.valueDomain([[null, null]], 'hours')).toEqual([0, 1]);
    expect(charts.valueDomain([[12], [40.5]], 'hours')).toEqual([0, 50]);
  });

  it('breaks a line at buckets without a value instead of inventing a point', () => {
    const path = charts.linePath(
      [1, 2, null, 4],
      (i) => i * 10,
      (v) => v,
    );
    expect(path).toBe('M0.0,1.0L10.0,2.0M30.0,4.0');
    expect(
      charts.linePath(
        [null, null],
        (i) => i,
        (v) => v,
      ),
    ).toBe('');
  });

  it('labels at most the given number of buckets, first and last included', () => {
    expect(charts.labelIndexes(3, 6)).toEqual([0, 1, 2]);
    expect(charts.labelIndexes(31, 6)).toEqual([0, 6, 12, 18, 24, 30]);
  });
});
