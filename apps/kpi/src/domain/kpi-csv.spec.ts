import { csvField, KPI_CSV_METRIC_COLUMNS, kpiReportCsv, toCsv } from './kpi-csv';
import { emptyCounts, metricsFromCounts } from './kpi-metrics';

describe('KPI CSV (RFC 4180)', () => {
  it('quotes fields holding commas, quotes or line breaks, doubling the quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('writes one row per bucket with rates as decimals and the cycle time as three columns', () => {
    const counts = {
      ...emptyCounts(),
      ordersPlaced: 4,
      ordersPlacedNowCancelled: 1,
      cycleTimeHours: { avg: 2.5, p50: 2, p90: 3.75 },
    };
    const metrics = metricsFromCounts(counts, { cycleCounts: true });
    const empty = metricsFromCounts(emptyCounts(), { cycleCounts: true });
    const csv = kpiReportCsv({
      from: '2026-11-16T00:00:00.000Z',
      to: '2026-11-18T00:00:00.000Z',
      granularity: 'day',
      filters: { warehouseId: null, sku: null, channel: null },
      buckets: [
        { start: '2026-11-16T00:00:00.000Z', end: '2026-11-17T00:00:00.000Z', metrics },
        { start: '2026-11-17T00:00:00.000Z', end: '2026-11-18T00:00:00.000Z', metrics: empty },
      ],
      totals: metrics,
    });
    const [header, first, second, end] = csv.split('\r\n');
    const columns = header.split(',');
    expect(columns).toEqual(['start', 'end', ...KPI_CSV_METRIC_COLUMNS]);
    expect(columns).toHaveLength(2 + 19 + 3);
    const cell = (row: string, name: string): string => row.split(',')[columns.indexOf(name)];
    expect(cell(first, 'cancellationRate')).toBe('0.25');
    expect(cell(first, 'orderCycleTimeHoursAvg')).toBe('2.5');
    expect(cell(first, 'orderCycleTimeHoursP90')).toBe('3.75');
    expect(cell(second, 'cancellationRate')).toBe('');
    expect(cell(second, 'ordersPlaced')).toBe('0');
    expect(end).toBe('');
  });
});
