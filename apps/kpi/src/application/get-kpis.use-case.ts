import { Injectable } from '@nestjs/common';
import { RequestValidationError } from '@opsline/platform';
import { Bucket, MAX_BUCKETS, planBuckets } from '../domain/kpi-buckets';
import { emptyCounts, metricsFromCounts } from '../domain/kpi-metrics';
import { cycleCountsApply, KpiQuery, KpiReport } from '../domain/kpi-query';
import { KpiQueryRepository } from '../infrastructure/kpi-query.repository';

/** 400 naming `from` unless from < to. */
export function assertFromBeforeTo(from: string, to: string): void {
  if (!(Date.parse(from) < Date.parse(to)))
    throw new RequestValidationError([
      { field: 'from', rule: 'beforeTo', message: 'from must be before to' },
    ]);
}

/** The buckets of `query`, or a 400 naming the parameter that makes them impossible. */
export function bucketsOrFail(query: Pick<KpiQuery, 'from' | 'to' | 'granularity'>): readonly Bucket[] {
  const plan = planBuckets(Date.parse(query.from), Date.parse(query.to), query.granularity);
  if (plan.ok) return plan.buckets;
  if (plan.reason === 'EMPTY_RANGE') assertFromBeforeTo(query.from, query.to);
  throw new RequestValidationError([
    {
      field: 'granularity',
      rule: 'maxBuckets',
      message: `from..to in buckets of one ${query.granularity} is more than ${MAX_BUCKETS} buckets`,
    },
  ]);
}

/** `GET /kpis`: every bucket of the range with its metrics, and totals over the range. */
@Injectable()
export class GetKpisUseCase {
  constructor(private readonly repository: KpiQueryRepository) {}

  async execute(query: KpiQuery): Promise<KpiReport> {
    const buckets = bucketsOrFail(query);
    const counts = await this.repository.countByBucketShared(query);
    const applies = { cycleCounts: cycleCountsApply(query) };
    return {
      from: new Date(query.from).toISOString(),
      to: new Date(query.to).toISOString(),
      granularity: query.granularity,
      filters: { warehouseId: query.warehouseId, sku: query.sku, channel: query.channel },
      buckets: buckets.map((bucket) => ({
        start: bucket.start,
        end: bucket.end,
        metrics: metricsFromCounts(counts.buckets.get(bucket.key) ?? emptyCounts(), applies),
      })),
      totals: metricsFromCounts(counts.totals, applies),
    };
  }
}
