/** The metrics object of contract §5, and the arithmetic that turns counted facts into it. */

export interface CycleTimeHours {
  readonly avg: number | null;
  readonly p50: number | null;
  readonly p90: number | null;
}

export interface KpiMetrics {
  readonly ordersPlaced: number;
  readonly unitsOrdered: number;
  readonly orderValueMinor: number;
  readonly ordersCancelled: number;
  readonly cancellationRate: number | null;
  readonly lineFillRate: number | null;
  readonly backorderRate: number | null;
  readonly unitsShipped: number;
  readonly ordersShipped: number;
  readonly onTimeShipmentRate: number | null;
  readonly orderCycleTimeHours: CycleTimeHours;
  readonly perfectOrderRate: number | null;
  readonly unitsReturned: number;
  readonly returnRate: number | null;
  readonly returnsRejected: number;
  readonly unitsInspected: number;
  readonly restockRate: number | null;
  readonly recoveryRate: number | null;
  readonly returnProcessingHours: number | null;
  readonly inventoryAccuracy: number | null;
}

/** The metric names in the order the JSON object and the CSV columns list them. */
export const METRIC_NAMES: readonly (keyof KpiMetrics)[] = [
  'ordersPlaced',
  'unitsOrdered',
  'orderValueMinor',
  'ordersCancelled',
  'cancellationRate',
  'lineFillRate',
  'backorderRate',
  'unitsShipped',
  'ordersShipped',
  'onTimeShipmentRate',
  'orderCycleTimeHours',
  'perfectOrderRate',
  'unitsReturned',
  'returnRate',
  'returnsRejected',
  'unitsInspected',
  'restockRate',
  'recoveryRate',
  'returnProcessingHours',
  'inventoryAccuracy',
];

/** What is counted over the facts of one bucket (or of the whole range, for totals). */
export interface KpiCounts {
  /** by placedAt */
  ordersPlaced: number;
  unitsOrdered: number;
  orderValueMinor: number;
  ordersPlacedNowCancelled: number;
  ordersPlacedBackordered: number;
  orderLines: number;
  orderLinesFilledAtFirstAttempt: number;
  /** by cancelledAt */
  ordersCancelled: number;
  /** by shippedAt */
  unitsShipped: number;
  /** by last shipment time */
  ordersShipped: number;
  ordersShippedOnTime: number;
  ordersShippedPerfect: number;
  cycleTimeHours: CycleTimeHours;
  /** by requestedAt */
  unitsReturned: number;
  returnsRejected: number;
  /** by inspectedAt */
  unitsInspected: number;
  unitsRestocked: number;
  recoveredValueMinor: number;
  inspectedValueMinor: number;
  returnProcessingHours: number | null;
  /** by countedAt */
  cycleCounts: number;
  cycleCountsAccurate: number;
}

export function emptyCounts(): KpiCounts {
  return {
    ordersPlaced: 0,
    unitsOrdered: 0,
    orderValueMinor: 0,
    ordersPlacedNowCancelled: 0,
    ordersPlacedBackordered: 0,
    orderLines: 0,
    orderLinesFilledAtFirstAttempt: 0,
    ordersCancelled: 0,
    unitsShipped: 0,
    ordersShipped: 0,
    ordersShippedOnTime: 0,
    ordersShippedPerfect: 0,
    cycleTimeHours: { avg: null, p50: null, p90: null },
    unitsReturned: 0,
    returnsRejected: 0,
    unitsInspected: 0,
    unitsRestocked: 0,
    recoveredValueMinor: 0,
    inspectedValueMinor: 0,
    returnProcessingHours: null,
    cycleCounts: 0,
    cycleCountsAccurate: 0,
  };
}

/** `numerator ÷ denominator`, or null when the denominator is 0 (contract §4). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** The mean, or null for no values. */
export function average(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * PostgreSQL's `percentile_cont(fraction)`: linear interpolation between the two sorted values
 * around position `fraction × (n − 1)`; null for no values.
 */
export function percentileCont(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  if (lower === upper) return sorted[lower];
  return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
}

/** Which dimensions the asked filters have: cycle counts have no channel. */
export interface MetricApplicability {
  readonly cycleCounts: boolean;
}

export function metricsFromCounts(counts: KpiCounts, applies: MetricApplicability): KpiMetrics {
  return {
    ordersPlaced: counts.ordersPlaced,
    unitsOrdered: counts.unitsOrdered,
    orderValueMinor: counts.orderValueMinor,
    ordersCancelled: counts.ordersCancelled,
    cancellationRate: ratio(counts.ordersPlacedNowCancelled, counts.ordersPlaced),
    lineFillRate: ratio(counts.orderLinesFilledAtFirstAttempt, counts.orderLines),
    backorderRate: ratio(counts.ordersPlacedBackordered, counts.ordersPlaced),
    unitsShipped: counts.unitsShipped,
    ordersShipped: counts.ordersShipped,
    onTimeShipmentRate: ratio(counts.ordersShippedOnTime, counts.ordersShipped),
    orderCycleTimeHours: counts.cycleTimeHours,
    perfectOrderRate: ratio(counts.ordersShippedPerfect, counts.ordersShipped),
    unitsReturned: counts.unitsReturned,
    returnRate: ratio(counts.unitsReturned, counts.unitsShipped),
    returnsRejected: counts.returnsRejected,
    unitsInspected: counts.unitsInspected,
    restockRate: ratio(counts.unitsRestocked, counts.unitsInspected),
    recoveryRate: ratio(counts.recoveredValueMinor, counts.inspectedValueMinor),
    returnProcessingHours: counts.returnProcessingHours,
    inventoryAccuracy: applies.cycleCounts ? ratio(counts.cycleCountsAccurate, counts.cycleCounts) : null,
  };
}
