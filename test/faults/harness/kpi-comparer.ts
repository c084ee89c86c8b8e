import { expectedKpis, KpiQuery, Metrics, scenarioFacts } from '../../../apps/kpi/test/oracle/expected-kpis';
import { ScenarioEvent } from '../../../apps/kpi/test/oracle/scenario';
import { sleep } from './fault-system';

/** The metrics that count things: each unit lost or applied twice shows in one of them. */
export const COUNT_METRICS = [
  'ordersPlaced',
  'unitsOrdered',
  'ordersCancelled',
  'unitsShipped',
  'ordersShipped',
  'unitsReturned',
  'returnsRejected',
  'unitsInspected',
] as const;

const RANGE = { from: '2026-10-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };
/** The whole scenario in one bucket: its totals decide lost and double-counted. */
const WHOLE: KpiQuery = { ...RANGE, granularity: 'month' };
/** Every metric of every bucket of these queries must equal the oracle's. */
export const QUERIES: readonly KpiQuery[] = [
  WHOLE,
  { ...RANGE, granularity: 'day' },
  { ...RANGE, granularity: 'week', warehouseId: 'WH-2' },
  { ...RANGE, granularity: 'week', sku: 'SKU-Z1' },
  { ...RANGE, granularity: 'day', channel: 'marketplace' },
  { from: '2026-10-05T00:00:00.000Z', to: '2026-10-07T00:00:00.000Z', granularity: 'hour' },
];

type KpiAnswer = { buckets: { start: string; end: string; metrics: Metrics }[]; totals: Metrics };

/** How the KPIs the system serves compare with the oracle over the acknowledged events. */
export interface Comparison {
  /** Acknowledged events, each id once. */
  readonly eventsIn: number;
  /** Σ of the count metrics the kpi service answers for the whole scenario. */
  readonly effectsOut: number;
  /** Σ of the count metrics the oracle expects. */
  readonly effectsExpected: number;
  /** Σ max(0, expected − actual) over the count metrics. */
  readonly lost: number;
  /** Σ max(0, actual − expected) over the count metrics. */
  readonly doubleCounted: number;
  /** Every metric of every bucket that differs, as readable lines (empty when all agree). */
  readonly differences: readonly string[];
}

async function getKpis(port: number, query: KpiQuery): Promise<KpiAnswer> {
  const params = new URLSearchParams(
    Object.entries(query).filter(([, value]) => value !== undefined) as [string, string][],
  );
  const response = await fetch(`http://127.0.0.1:${port}/kpis?${params}`, {
    headers: { authorization: 'Bearer dev-key' },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200)
    throw new Error(`GET /kpis?${params}: ${response.status} ${await response.text()}`);
  return (await response.json()) as KpiAnswer;
}

function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value);
    // a cycle time of nulls means "no data", as null does
    if (parts.every(([, v]) => v === null)) return null;
    return Object.fromEntries(parts.map(([k, v]) => [k, rounded(v)]));
  }
  return value;
}

function metricDifferences(where: string, actual: Metrics | undefined, expected: Metrics): string[] {
  return Object.keys(expected)
    .filter((name) => JSON.stringify(rounded(actual?.[name])) !== JSON.stringify(rounded(expected[name])))
    .map(
      (name) =>
        `${where} ${name}: got ${JSON.stringify(rounded(actual?.[name]))}, expected ${JSON.stringify(rounded(expected[name]))}`,
    );
}

function differencesOf(
  query: KpiQuery,
  actual: KpiAnswer,
  expected: ReturnType<typeof expectedKpis>,
): string[] {
  const label = JSON.stringify(query);
  const found: string[] = [];
  if (actual.buckets.length !== expected.buckets.length)
    found.push(`${label}: ${actual.buckets.length} buckets, expected ${expected.buckets.length}`);
  expected.buckets.forEach((bucket, i) =>
    found.push(...metricDifferences(`${label} ${bucket.start}`, actual.buckets[i]?.metrics, bucket.metrics)),
  );
  found.push(...metricDifferences(`${label} totals`, actual.totals, expected.totals));
  return found;
}

function countOf(metrics: Metrics, name: string): number {
  const value = metrics[name];
  return typeof value === 'number' ? value : 0;
}

/** Compares every query once (throws if the kpi service does not answer). */
export async function compareKpis(
  port: number,
  events: readonly ScenarioEvent[],
  queries: readonly KpiQuery[] = QUERIES,
  facts: ReturnType<typeof scenarioFacts> = scenarioFacts(events),
): Promise<Comparison> {
  const differences: string[] = [];
  let whole: { actual: Metrics; expected: Metrics } | null = null;
  for (const query of queries) {
    const expected = expectedKpis(facts, query);
    const actual = await getKpis(port, query);
    if (query === WHOLE) whole = { actual: actual.totals, expected: expected.totals };
    differences.push(...differencesOf(query, actual, expected));
  }
  const { actual, expected } = whole as { actual: Metrics; expected: Metrics };
  let lost = 0;
  let doubleCounted = 0;
  for (const name of COUNT_METRICS) {
    const delta = countOf(actual, name) - countOf(expected, name);
    if (delta < 0) lost -= delta;
    else doubleCounted += delta;
  }
  const sum = (metrics: Metrics) => COUNT_METRICS.reduce((total, name) => total + countOf(metrics, name), 0);
  return {
    eventsIn: new Set(events.map((item) => item.event.id)).size,
    effectsOut: sum(actual),
    effectsExpected: sum(expected),
    lost,
    doubleCounted,
    differences,
  };
}

/**
 * Waits until every query agrees with the oracle, or until `timeoutMs`; returns the last comparison
 * either way (the caller asserts on it, so a timeout shows the differences rather than a bare timeout).
 */
export async function waitForKpis(
  port: number,
  events: readonly ScenarioEvent[],
  timeoutMs: number,
): Promise<Comparison> {
  const deadline = Date.now() + timeoutMs;
  const facts = scenarioFacts(events);
  let last: Comparison | null = null;
  let lastError: Error | null = null;
  for (;;) {
    try {
      // the whole-scenario totals first: cheap, and they differ until the system has caught up
      last = await compareKpis(port, events, [WHOLE], facts);
      if (last.differences.length === 0) last = await compareKpis(port, events, QUERIES, facts);
      if (last.differences.length === 0) return last;
    } catch (error) {
      lastError = error as Error;
    }
    if (Date.now() > deadline) {
      if (last !== null) return last;
      throw new Error(`the kpi service never answered: ${lastError?.message}`);
    }
    await sleep(1000);
  }
}
