import { Inject, Injectable } from '@nestjs/common';
import { RequestValidationError } from '@opsline/platform';
import { Bucket, MAX_BUCKETS, planBuckets } from '../domain/kpi-buckets';
import { emptyCounts, metricsFromCounts } from '../domain/kpi-metrics';
import { cycleCountsApply, KpiQuery, KpiReport } from '../domain/kpi-query';
import { KpiLookupRepository } from '../infrastructure/kpi-lookup.repository';
import { KpiQueryRepository } from '../infrastructure/kpi-query.repository';
import type { LiveTables } from '../infrastructure/kpi-tables';
import { LiveKpiTables } from '../infrastructure/read-models/read-model-versions.repository';
import { RecentAnswers } from '../infrastructure/recent-answers';

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

/**
 * How old a shared `GET /kpis` answer may be before it is recomputed (plus, while a recomputation
 * runs, the time it takes). Many users watching the same dashboard then cost one query per 250 ms.
 */
export const KPI_ANSWER_MAX_AGE_MS = 250;

/** A `GET /kpis` answer with what it is known to include. */
export interface KpiAnswer {
  readonly report: KpiReport;
  /** The newest business time applied when the answer was computed: the answer includes it. */
  readonly newestEventTime: string | null;
  /** When the computation started: every fact committed before is in the answer. */
  readonly computedAt: string;
}

/** `GET /kpis`: every bucket of the range with its metrics, and totals over the range. */
@Injectable()
export class GetKpisUseCase {
  private readonly recent = new RecentAnswers<Omit<KpiAnswer, 'computedAt'>>(KPI_ANSWER_MAX_AGE_MS, 500);

  constructor(
    private readonly repository: KpiQueryRepository,
    private readonly lookups: KpiLookupRepository,
    @Inject(LiveKpiTables) private readonly live: LiveTables,
  ) {}

  /**
   * The answer for the HTTP API: shared with identical questions asked within
   * {@link KPI_ANSWER_MAX_AGE_MS} (see `RecentAnswers`); `computedAt` says how old it is. After a
   * rebuild's switch the previous version's answer is served until the new version's is in.
   */
  async answer(query: KpiQuery): Promise<KpiAnswer> {
    const { value, startedAt } = await this.recent.get(
      JSON.stringify(query),
      async () => {
        // read first: whatever it names is committed, so the report computed next includes it
        const newestEventTime = await this.lookups.newestEventTime();
        return { report: await this.execute(query), newestEventTime };
      },
      this.live.tables.schema,
    );
    return { ...value, computedAt: new Date(startedAt).toISOString() };
  }

  /** The answer computed now (the change stream recomputes the buckets a change touched). */
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
