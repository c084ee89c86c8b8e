import type { KpiFacts, PositionFact } from './kpi-facts';
import type { KpiMetrics } from './kpi-metrics';
import type { KpiBucketReport, KpiQuery } from './kpi-query';
import { computeKpisReference } from './kpi-reference';
import { DailyFactSlices, DAY_MS } from './reconciliation-slices';

/** Two floats this close (relative to their size, at least 1) are one value rounded differently. */
export const FLOAT_TOLERANCE = 1e-9;

/** Which slice of the facts a compared bucket covers (the `GET /kpis` filters). */
export interface ReconciliationFilter {
  readonly warehouseId: string | null;
  readonly sku: string | null;
  readonly channel: string | null;
}

/** One metric of one bucket whose read-model value differs from the one recomputed from the topics. */
export interface MetricDrift {
  /** The metric name; `orderCycleTimeHours.p90` for a part of the cycle-time object. */
  readonly metric: string;
  readonly bucketStart: string;
  readonly bucketEnd: string;
  readonly filter: ReconciliationFilter;
  /** Recomputed from the topics. */
  readonly expected: number | null;
  /** What the read model answers (`GET /kpis`). */
  readonly actual: number | null;
}

/** One field of one inventory position whose read-model value differs from the replayed one. */
export interface PositionDrift {
  readonly warehouseId: string;
  readonly sku: string;
  /** `onHand`, `reserved`, … or `position` when the position is missing on one side (then null there). */
  readonly field: string;
  readonly expected: number | null;
  readonly actual: number | null;
}

/** [from, to) in whole UTC days. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/** Every metric as a flat list of `[name, value]`, the cycle-time object as three entries. */
export function metricValues(metrics: KpiMetrics): [string, number | null][] {
  const values: [string, number | null][] = [];
  for (const [name, value] of Object.entries(metrics) as [string, KpiMetrics[keyof KpiMetrics]][]) {
    if (typeof value === 'object' && value !== null)
      for (const [part, partValue] of Object.entries(value) as [string, number | null][])
        values.push([`${name}.${part}`, partValue]);
    else values.push([name, value]);
  }
  return values;
}

/**
 * Equal, both null, or floats within {@link FLOAT_TOLERANCE} of each other. Counts and sums (both
 * integers) must be equal: a relative tolerance would hide one unit in a large value sum.
 */
export function sameMetricValue(expected: number | null, actual: number | null): boolean {
  if (expected === null || actual === null) return expected === actual;
  if (Number.isInteger(expected) && Number.isInteger(actual)) return expected === actual;
  const scale = Math.max(1, Math.abs(expected), Math.abs(actual));
  return Math.abs(expected - actual) <= FLOAT_TOLERANCE * scale;
}

/** Every metric of every bucket that differs; buckets are matched by start (both sides list the same). */
export function compareBuckets(
  expected: readonly KpiBucketReport[],
  actual: readonly KpiBucketReport[],
  filter: ReconciliationFilter,
): MetricDrift[] {
  const actualByStart = new Map(actual.map((bucket) => [Date.parse(bucket.start), bucket]));
  const drift: MetricDrift[] = [];
  for (const bucket of expected) {
    const other = actualByStart.get(Date.parse(bucket.start));
    if (other === undefined) throw new Error(`the read model has no bucket starting ${bucket.start}`);
    const actualValues = new Map(metricValues(other.metrics));
    for (const [metric, value] of metricValues(bucket.metrics)) {
      const actualValue = actualValues.get(metric) ?? null;
      if (!sameMetricValue(value, actualValue))
        drift.push({
          metric,
          bucketStart: bucket.start,
          bucketEnd: bucket.end,
          filter,
          expected: value,
          actual: actualValue,
        });
    }
  }
  return drift;
}

/**
 * The whole UTC days from the first to the last day that has a fact on either side (the topics'
 * facts, or `alsoCovering`: the read model's own time range, so that a row the topics do not
 * explain is compared too); null when neither has any.
 */
export function dayRangeOf(
  slices: DailyFactSlices,
  alsoCovering: { first: string; last: string } | null,
): DayRange | null {
  const days = slices.dayRange();
  const firsts = [days?.firstDay, alsoCovering && Date.parse(alsoCovering.first)];
  const lasts = [days?.lastDay, alsoCovering && Date.parse(alsoCovering.last)];
  const known = (values: (number | null | undefined)[]): number[] =>
    values.filter((value): value is number => typeof value === 'number');
  if (known(firsts).length === 0) return null;
  const first = Math.floor(Math.min(...known(firsts)) / DAY_MS) * DAY_MS;
  const last = Math.floor(Math.max(...known(lasts)) / DAY_MS) * DAY_MS;
  return { from: new Date(first).toISOString(), to: new Date(last + DAY_MS).toISOString() };
}

/**
 * The slices compared: everything, each warehouse and each channel the facts name. Day buckets
 * under a filter say where a drift is (a corrupted order of WH-2 shows under WH-2 and in the
 * unfiltered bucket, not under WH-1).
 */
export function reconciliationFilters(facts: KpiFacts): ReconciliationFilter[] {
  const warehouses = new Set<string>();
  const channels = new Set<string>();
  for (const order of facts.orders) {
    if (order.warehouseId !== null) warehouses.add(order.warehouseId);
    channels.add(order.channel);
  }
  for (const line of facts.shipmentLines) warehouses.add(line.warehouseId);
  for (const inspection of facts.inspections) warehouses.add(inspection.warehouseId);
  for (const count of facts.cycleCounts) warehouses.add(count.warehouseId);
  const sorted = (values: Set<string>): string[] => [...values].sort();
  return [
    { warehouseId: null, sku: null, channel: null },
    ...sorted(warehouses).map((warehouseId) => ({ warehouseId, sku: null, channel: null })),
    ...sorted(channels).map((channel) => ({ warehouseId: null, sku: null, channel })),
  ];
}

/** The `GET /kpis` question asked of the read model for one filter over the range. */
export function dailyQuery(range: DayRange, filter: ReconciliationFilter): KpiQuery {
  return { from: range.from, to: range.to, granularity: 'day', ...filter };
}

/** The day buckets of `range` under `filter`, computed by the §5 reference over each day's facts. */
export function expectedDailyBuckets(
  slices: DailyFactSlices,
  range: DayRange,
  filter: ReconciliationFilter,
): KpiBucketReport[] {
  const buckets: KpiBucketReport[] = [];
  for (let day = Date.parse(range.from); day < Date.parse(range.to); day += DAY_MS) {
    const query = dailyQuery(
      { from: new Date(day).toISOString(), to: new Date(day + DAY_MS).toISOString() },
      filter,
    );
    buckets.push(computeKpisReference(slices.sliceOf(day), query).buckets[0]);
  }
  return buckets;
}

const POSITION_FIELDS = ['onHand', 'reserved', 'available', 'backordered', 'reorderPoint'] as const;

/** Each field of each position that differs, and positions present on one side only. */
export function comparePositions(
  expected: readonly PositionFact[],
  actual: readonly PositionFact[],
): PositionDrift[] {
  const keyOf = (p: PositionFact): string => `${p.warehouseId}\u0000${p.sku}`;
  const actualByKey = new Map(actual.map((p) => [keyOf(p), p]));
  const drift: PositionDrift[] = [];
  for (const position of expected) {
    const { warehouseId, sku } = position;
    const other = actualByKey.get(keyOf(position));
    actualByKey.delete(keyOf(position));
    if (other === undefined) {
      drift.push({ warehouseId, sku, field: 'position', expected: position.onHand, actual: null });
      continue;
    }
    for (const field of POSITION_FIELDS)
      if (position[field] !== other[field])
        drift.push({ warehouseId, sku, field, expected: position[field], actual: other[field] });
  }
  for (const extra of actualByKey.values())
    drift.push({
      warehouseId: extra.warehouseId,
      sku: extra.sku,
      field: 'position',
      expected: null,
      actual: extra.onHand,
    });
  return drift.sort(
    (a, b) =>
      a.warehouseId.localeCompare(b.warehouseId) ||
      a.sku.localeCompare(b.sku) ||
      a.field.localeCompare(b.field),
  );
}
