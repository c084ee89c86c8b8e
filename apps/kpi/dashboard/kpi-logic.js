// Pure logic of the dashboard (no DOM, no fetch): unit-tested by apps/kpi/test/dashboard/*.spec.ts.

const DAY_MS = 86_400_000;

export const GRANULARITIES = ['hour', 'day', 'week', 'month'];

/**
 * The headline tiles. `kind` says how a value reads and how its trend is measured; `better` says
 * which way is good (a falling return rate is good news).
 */
export const TILES = [
  { key: 'ordersPlaced', label: 'Orders placed', kind: 'count', better: 'up' },
  { key: 'unitsShipped', label: 'Units shipped', kind: 'count', better: 'up' },
  { key: 'lineFillRate', label: 'Line fill rate', kind: 'rate', better: 'up' },
  { key: 'onTimeShipmentRate', label: 'On-time shipment', kind: 'rate', better: 'up' },
  { key: 'orderCycleTimeHours.p50', label: 'Cycle time p50', kind: 'hours', better: 'down' },
  { key: 'orderCycleTimeHours.p90', label: 'Cycle time p90', kind: 'hours', better: 'down' },
  { key: 'returnRate', label: 'Return rate', kind: 'rate', better: 'down' },
  { key: 'recoveryRate', label: 'Recovery rate', kind: 'rate', better: 'up' },
];

/** The time series charts: each draws one or more metrics of every bucket. */
export const CHARTS = [
  { id: 'orders', title: 'Orders placed', kind: 'count', series: [{ key: 'ordersPlaced', label: 'orders' }] },
  {
    id: 'fill-rate',
    title: 'Line fill rate',
    kind: 'rate',
    series: [{ key: 'lineFillRate', label: 'fill' }],
  },
  {
    id: 'on-time',
    title: 'On-time shipment rate',
    kind: 'rate',
    series: [{ key: 'onTimeShipmentRate', label: 'on time' }],
  },
  {
    id: 'cycle-time',
    title: 'Order cycle time (hours)',
    kind: 'hours',
    series: [
      { key: 'orderCycleTimeHours.p50', label: 'p50' },
      { key: 'orderCycleTimeHours.p90', label: 'p90' },
    ],
  },
  {
    id: 'return-rate',
    title: 'Return rate',
    kind: 'rate',
    series: [{ key: 'returnRate', label: 'returns' }],
  },
  {
    id: 'recovery-rate',
    title: 'Recovery rate',
    kind: 'rate',
    series: [{ key: 'recoveryRate', label: 'recovered' }],
  },
];

/** A metric of a metrics object by key; `a.b` reads a nested value (`orderCycleTimeHours.p50`). */
export function metricValue(metrics, key) {
  let value = metrics;
  for (const part of key.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    value = value[part];
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * How `current` compares with `previous`: counts and hours as a relative change, rates in
 * percentage points (a rate going 0.5 → 0.6 is +10 points, not +20 %). `direction` is null when
 * either value is missing or a relative change has no base.
 */
export function trend(current, previous, kind, better) {
  if (current === null || previous === null) return { change: null, direction: null, sentiment: 'neutral' };
  let change;
  if (kind === 'rate') change = (current - previous) * 100;
  else if (previous === 0)
    return { change: null, direction: current === 0 ? 'flat' : 'up', sentiment: 'neutral' };
  else change = ((current - previous) / Math.abs(previous)) * 100;
  const direction = Math.abs(change) < 0.05 ? 'flat' : change > 0 ? 'up' : 'down';
  const sentiment = direction === 'flat' ? 'neutral' : direction === better ? 'good' : 'bad';
  return { change, direction, sentiment };
}

/** The trend as text: `+12.5 %`, `−3.0 pts`, `new`, or `—`. */
export function formatTrend(result, kind) {
  if (result.direction === null) return '—';
  if (result.change === null) return result.direction === 'flat' ? '±0' : 'new';
  const sign = result.change > 0.049 ? '+' : result.change < -0.049 ? '−' : '±';
  return `${sign}${Math.abs(result.change).toFixed(1)}${kind === 'rate' ? ' pts' : ' %'}`;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A metric value as shown: `1,204`, `93.4%`, `12.5 h`; missing values (a zero denominator) as `—`. */
export function formatValue(value, kind) {
  if (value === null || value === undefined) return '—';
  if (kind === 'rate') return `${(value * 100).toFixed(1)}%`;
  if (kind === 'hours') return `${value.toFixed(1)} h`;
  return integer.format(value);
}

/**
 * The Pareto series of return reasons: most units first, with the cumulative share of all units
 * (computed from units, so rounding in `share` never makes the line miss 100 %).
 */
export function paretoSeries(reasons) {
  const sorted = [...reasons].sort((a, b) => b.units - a.units || a.reasonCode.localeCompare(b.reasonCode));
  const total = sorted.reduce((sum, reason) => sum + reason.units, 0);
  let running = 0;
  return sorted.map((reason) => {
    running += reason.units;
    return {
      reasonCode: reason.reasonCode,
      units: reason.units,
      share: total === 0 ? 0 : reason.units / total,
      cumulativeShare: total === 0 ? 0 : running / total,
    };
  });
}

/** The period of the same length just before [from, to): what the tiles' trends compare with. */
export function previousPeriod(from, to) {
  const start = Date.parse(from);
  const end = Date.parse(to);
  return { from: new Date(start - (end - start)).toISOString(), to: new Date(start).toISOString() };
}

/** `YYYY-MM-DD` of a time, in UTC (the API's buckets are UTC). */
export function utcDate(time) {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The API range of the date inputs: `fromDate` at 00:00 UTC up to the end of `toDate` (the inputs
 * are inclusive, the API's `to` is exclusive). Null when a date is missing or the range is empty.
 */
export function apiRange(fromDate, toDate) {
  const from = Date.parse(`${fromDate}T00:00:00.000Z`);
  const to = Date.parse(`${toDate}T00:00:00.000Z`) + DAY_MS;
  if (Number.isNaN(from) || Number.isNaN(to) || from >= to) return null;
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The last `days` days up to and including today (UTC), as date-input values. */
export function lastDays(days, now) {
  const today = Date.parse(`${utcDate(now)}T00:00:00.000Z`);
  return { fromDate: utcDate(today - (days - 1) * DAY_MS), toDate: utcDate(today) };
}

const FILTER_FIELDS = ['fromDate', 'toDate', 'granularity', 'warehouseId', 'channel', 'sku'];

/** Filters from the page's query string (so a view can be bookmarked), defaults for what is missing. */
export function filtersFromSearch(search, now) {
  const params = new URLSearchParams(search);
  const defaults = { ...lastDays(30, now), granularity: 'day', warehouseId: '', channel: '', sku: '' };
  const filters = { ...defaults };
  for (const field of FILTER_FIELDS) {
    const value = params.get(field);
    if (value !== null) filters[field] = value.trim();
  }
  if (!GRANULARITIES.includes(filters.granularity)) filters.granularity = 'day';
  if (apiRange(filters.fromDate, filters.toDate) === null) {
    filters.fromDate = defaults.fromDate;
    filters.toDate = defaults.toDate;
  }
  return filters;
}

/** The query string that {@link filtersFromSearch} reads back (empty filters left out). */
export function searchFromFilters(filters) {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) if (filters[field]) params.set(field, filters[field]);
  return `?${params}`;
}

/** Query parameters of an API call: the given values, without empty ones. */
export function apiQuery(values) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The report's buckets with the streamed ones replacing those of the same start (buckets outside
 * the report's range are ignored: the stream sends every changed bucket of the granularity).
 * Returns the new bucket list and how many buckets were replaced.
 */
export function mergeBuckets(buckets, changed) {
  const byStart = new Map(changed.map((bucket) => [Date.parse(bucket.start), bucket]));
  let replaced = 0;
  const merged = buckets.map((bucket) => {
    const update = byStart.get(Date.parse(bucket.start));
    if (update === undefined) return bucket;
    replaced += 1;
    return { ...bucket, metrics: update.metrics };
  });
  return { buckets: merged, replaced };
}

/** `42 s`, `5 min`, `3 h`, `2 d`: how long ago, for the freshness line. */
export function ageText(milliseconds) {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/**
 * What the freshness indicator says about `GET /kpis`'s `freshness`: the newest business time the
 * read models hold, how long ago the answer was computed, and the consumer lag (unknown lag, e.g.
 * the broker unreachable, is reported as such). `stale` when messages wait or the lag is unknown.
 */
export function freshnessSummary(freshness, now) {
  if (!freshness) return { text: 'freshness unknown', stale: true, lag: null };
  const lags = Object.values(freshness.lagByTopic ?? {});
  const unknown = lags.some((lag) => lag === null);
  const lag = lags.reduce((sum, value) => sum + (value ?? 0), 0);
  const newest =
    freshness.newestEventTime === null
      ? 'no events yet'
      : `newest event ${new Date(freshness.newestEventTime).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const computed = `computed ${ageText(now - Date.parse(freshness.computedAt))} ago`;
  const behind = unknown
    ? 'lag unknown'
    : lag === 0
      ? 'up to date'
      : `${integer.format(lag)} messages behind`;
  return {
    text: `${newest} · ${computed} · ${behind}`,
    stale: unknown || lag > 0,
    lag: unknown ? null : lag,
  };
}

/** Bucket start as an axis label: hours show the time, months the month, others the date. */
export function bucketLabel(start, granularity) {
  const iso = new Date(start).toISOString();
  if (granularity === 'hour') return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  if (granularity === 'month') return iso.slice(0, 7);
  return iso.slice(5, 10);
}

/** Inventory positions, those below their reorder point first, then by warehouse and sku. */
export function sortPositions(positions) {
  return [...positions].sort(
    (a, b) =>
      Number(b.belowReorderPoint) - Number(a.belowReorderPoint) ||
      a.warehouseId.localeCompare(b.warehouseId) ||
      a.sku.localeCompare(b.sku),
  );
}
