import type { Granularity } from './kpi-buckets';
import type { KpiMetrics } from './kpi-metrics';

/** One `GET /kpis` question: [from, to) in buckets of `granularity`, with optional filters. */
export interface KpiQuery {
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly warehouseId: string | null;
  readonly sku: string | null;
  readonly channel: string | null;
}

export interface KpiBucketReport {
  readonly start: string;
  readonly end: string;
  readonly metrics: KpiMetrics;
}

/** The `GET /kpis` answer (contract §4), without freshness. */
export interface KpiReport {
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly filters: {
    readonly warehouseId: string | null;
    readonly sku: string | null;
    readonly channel: string | null;
  };
  readonly buckets: readonly KpiBucketReport[];
  readonly totals: KpiMetrics;
}

/** The reasons whose authorized return makes a shipped order imperfect (§5 `perfectOrderRate`). */
export const IMPERFECT_RETURN_REASONS: readonly string[] = ['DAMAGED', 'DEFECTIVE', 'WRONG_ITEM'];

/** Cycle counts have no channel: under a channel filter `inventoryAccuracy` is null. */
export function cycleCountsApply(query: Pick<KpiQuery, 'channel'>): boolean {
  return query.channel === null;
}
