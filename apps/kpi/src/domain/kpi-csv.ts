import { KpiMetrics, METRIC_NAMES } from './kpi-metrics';
import type { KpiReport } from './kpi-query';

/** One CSV field per RFC 4180: quoted (with doubled quotes) when it holds a comma, quote, CR or LF. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: a header row, then the rows; CRLF line ends (RFC 4180). */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | null)[])[],
): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The metric columns: one per metric, the cycle time as three. */
export const KPI_CSV_METRIC_COLUMNS: readonly string[] = METRIC_NAMES.flatMap((name) =>
  name === 'orderCycleTimeHours'
    ? ['orderCycleTimeHoursAvg', 'orderCycleTimeHoursP50', 'orderCycleTimeHoursP90']
    : [name],
);

export function metricCells(metrics: KpiMetrics): (number | null)[] {
  return METRIC_NAMES.flatMap((name) => {
    const value = metrics[name];
    return typeof value === 'object' && value !== null ? [value.avg, value.p50, value.p90] : [value];
  });
}

/** `GET /kpis` as CSV: one row per bucket (start, end, metrics; rates as decimals, null as empty). */
export function kpiReportCsv(report: KpiReport): string {
  return toCsv(
    ['start', 'end', ...KPI_CSV_METRIC_COLUMNS],
    report.buckets.map((bucket) => [bucket.start, bucket.end, ...metricCells(bucket.metrics)]),
  );
}
