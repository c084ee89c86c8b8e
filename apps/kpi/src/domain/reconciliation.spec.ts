import { inAggregateOrder, kpiScenario } from '../../test/kpi-scenario';
import { applyDomainEvent, InMemoryFactStore } from './in-memory-fact-store';
import type { KpiFacts, PositionFact } from './kpi-facts';
import type { KpiBucketReport } from './kpi-query';
import { computeKpisReference } from './kpi-reference';
import {
  compareBuckets,
  comparePositions,
  dailyQuery,
  dayRangeOf,
  expectedDailyBuckets,
  metricValues,
  reconciliationFilters,
  sameMetricValue,
} from './reconciliation';
import { DailyFactSlices } from './reconciliation-slices';

function scenarioFacts(orderCount: number): KpiFacts {
  const store = new InMemoryFactStore();
  for (const { event } of inAggregateOrder(kpiScenario(20261125, orderCount))) applyDomainEvent(store, event);
  return store.facts();
}

const ALL = { warehouseId: null, sku: null, channel: null };

function withMetric(bucket: KpiBucketReport, name: string, value: number | null): KpiBucketReport {
  return { ...bucket, metrics: { ...bucket.metrics, [name]: value } };
}

describe('reconciliation', () => {
  const facts = scenarioFacts(60);
  const slices = new DailyFactSlices(facts);
  const range = dayRangeOf(slices, null);

  it('computes each day from that day’s slice exactly as the reference does over all facts, under every filter', () => {
    expect(range).not.toBeNull();
    const filters = reconciliationFilters(facts);
    expect(filters.map((f) => f.warehouseId ?? f.channel ?? 'all')).toEqual([
      'all',
      'WH-1',
      'WH-2',
      'WH-3',
      'marketplace',
      'webshop',
    ]);
    for (const filter of filters) {
      const query = dailyQuery(range!, filter);
      expect(expectedDailyBuckets(slices, range!, filter)).toEqual(
        computeKpisReference(facts, query).buckets,
      );
    }
  });

  it('covers whole UTC days from the first to the last fact, stretched to the read model’s own times', () => {
    const days = dayRangeOf(slices, { first: '2026-11-10T23:59:59.999Z', last: '2026-12-01T00:00:00.000Z' });
    expect(days).toEqual({ from: '2026-11-10T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z' });
    expect(dayRangeOf(new DailyFactSlices(new InMemoryFactStore().facts()), null)).toBeNull();
  });

  it('finds nothing when the read model answers the same numbers (floats within 1e-9)', () => {
    const expected = expectedDailyBuckets(slices, range!, ALL);
    const rounded = expected.map((bucket) =>
      bucket.metrics.cancellationRate === null
        ? bucket
        : withMetric(bucket, 'cancellationRate', bucket.metrics.cancellationRate * (1 + 1e-12)),
    );
    expect(compareBuckets(expected, rounded, ALL)).toEqual([]);
  });

  it('names the metric, the bucket, the filter and both values of each drifted cell', () => {
    const expected = expectedDailyBuckets(slices, range!, { ...ALL, warehouseId: 'WH-1' });
    const busy = expected.findIndex((bucket) => bucket.metrics.ordersPlaced > 0);
    const actual = expected.map((bucket, i) =>
      i === busy
        ? {
            ...bucket,
            metrics: {
              ...bucket.metrics,
              unitsOrdered: bucket.metrics.unitsOrdered + 1,
              orderCycleTimeHours: { ...bucket.metrics.orderCycleTimeHours, p90: 1234.5 },
            },
          }
        : bucket,
    );
    const drift = compareBuckets(expected, actual, { ...ALL, warehouseId: 'WH-1' });
    expect(drift).toEqual([
      {
        metric: 'unitsOrdered',
        bucketStart: expected[busy].start,
        bucketEnd: expected[busy].end,
        filter: { warehouseId: 'WH-1', sku: null, channel: null },
        expected: expected[busy].metrics.unitsOrdered,
        actual: expected[busy].metrics.unitsOrdered + 1,
      },
      expect.objectContaining({
        metric: 'orderCycleTimeHours.p90',
        expected: expected[busy].metrics.orderCycleTimeHours.p90,
        actual: 1234.5,
      }),
    ]);
  });

  it('tells a rate that became null (or a float off by more than the tolerance) from an equal one', () => {
    expect(sameMetricValue(0.5, null)).toBe(false);
    expect(sameMetricValue(null, null)).toBe(true);
    expect(sameMetricValue(0.3, 0.1 + 0.2)).toBe(true);
    expect(sameMetricValue(0.3, 0.3 + 1e-6)).toBe(false);
    expect(sameMetricValue(1e12, 1e12 + 1)).toBe(false);
    expect(sameMetricValue(150.25, 150.25 + 1e-10)).toBe(true);
  });

  it('lists every metric, the cycle-time object as its three parts', () => {
    const names = metricValues(expectedDailyBuckets(slices, range!, ALL)[0].metrics).map(([name]) => name);
    expect(names).toContain('orderCycleTimeHours.p50');
    expect(names).not.toContain('orderCycleTimeHours');
    expect(names).toHaveLength(22);
  });

  it('reports each position field that differs, and positions on one side only', () => {
    const position = (sku: string, onHand: number, reserved: number): PositionFact => ({
      warehouseId: 'WH-1',
      sku,
      onHand,
      reserved,
      available: onHand - reserved,
      backordered: 0,
      reorderPoint: null,
      changedAt: '2026-11-16T10:00:00.000Z',
    });
    const drift = comparePositions(
      [position('SKU-A', 10, 2), position('SKU-B', 5, 0)],
      [position('SKU-A', 10, 3), position('SKU-C', 1, 0)],
    );
    expect(drift).toEqual([
      { warehouseId: 'WH-1', sku: 'SKU-A', field: 'available', expected: 8, actual: 7 },
      { warehouseId: 'WH-1', sku: 'SKU-A', field: 'reserved', expected: 2, actual: 3 },
      { warehouseId: 'WH-1', sku: 'SKU-B', field: 'position', expected: 5, actual: null },
      { warehouseId: 'WH-1', sku: 'SKU-C', field: 'position', expected: null, actual: 1 },
    ]);
    expect(comparePositions([position('SKU-A', 1, 0)], [position('SKU-A', 1, 0)])).toEqual([]);
  });
});
