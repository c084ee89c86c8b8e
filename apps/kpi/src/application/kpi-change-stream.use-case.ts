import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RequestValidationError } from '@opsline/platform';
import { DataSource } from 'typeorm';
import { bucketStartOf, nextBucketStart } from '../domain/kpi-buckets';
import type { KpiBucketReport, KpiQuery } from '../domain/kpi-query';
import { KpiFactRepository } from '../infrastructure/kpi-fact.repository';
import type { LiveTables } from '../infrastructure/kpi-tables';
import { LiveKpiTables } from '../infrastructure/read-models/read-model-versions.repository';
import { GetKpisUseCase } from './get-kpis.use-case';

/** What a stream watches: the buckets of one granularity under filters. */
export type KpiStreamFilter = Omit<KpiQuery, 'from' | 'to'>;

/** One SSE message: the buckets whose metrics changed, with their metrics now. */
export interface ChangedBuckets {
  /** The change-log id: the SSE `id`, resumed from with `Last-Event-ID`. */
  readonly id: number;
  readonly facts: readonly string[];
  readonly granularity: KpiQuery['granularity'];
  readonly buckets: readonly KpiBucketReport[];
}

/**
 * A rebuild's switch writes this marker into the new version's change log, after the old log's ids:
 * the stream sends it as a `rebuilt` event (every bucket may have been recomputed) and ids go on.
 */
export const REBUILT_FACT = 'rebuilt';

/** The `rebuilt` SSE message: the read models were rebuilt into `schema`; re-read what you show. */
export interface ReadModelsRebuilt {
  readonly id: number;
  readonly rebuilt: true;
  readonly schema: string;
}

/**
 * The change log keeps `KPI_CHANGE_LOG_RETENTION_HOURS`; pruning leaves this marker with the id of the
 * newest change it deleted. A stream resumed from before it gets an `expired` event: the changes
 * since its `Last-Event-ID` are no longer known, so what it shows must be read again.
 */
export const PRUNED_FACT = 'pruned';

/** The `expired` SSE message: changes after the client's `Last-Event-ID` up to `id` were pruned. */
export interface ChangesExpired {
  readonly id: number;
  readonly expired: true;
}

const CHANGES_PER_MESSAGE = 500;
const BUCKETS_PER_MESSAGE = 48;

/**
 * `GET /kpis/stream`: reads the change log (written in the same transaction as the facts, so a
 * change is never announced before it is visible) and turns each run of changes into the changed
 * buckets of the stream's granularity, recomputed under its filters.
 */
@Injectable()
export class KpiChangeStreamUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LiveKpiTables) private readonly live: LiveTables,
    private readonly getKpis: GetKpisUseCase,
  ) {}

  /** The live version's change log (after a rebuild's switch, the new version's, whose ids continue). */
  private get facts(): KpiFactRepository {
    return new KpiFactRepository(this.live.tables);
  }

  /** Where to start: after `Last-Event-ID` when given (400 when not an id), else after the newest change. */
  async startAfter(lastEventId: string | undefined): Promise<number> {
    if (lastEventId === undefined) return this.facts.newestChangeId(this.dataSource.manager);
    if (!/^\d{1,15}$/.test(lastEventId))
      throw new RequestValidationError([
        {
          field: 'Last-Event-ID',
          rule: 'isChangeId',
          message: 'Last-Event-ID must be an id this stream sent',
        },
      ]);
    return Number(lastEventId);
  }

  /** The next message after change `afterId`, or null when nothing changed since. */
  async next(
    afterId: number,
    filter: KpiStreamFilter,
  ): Promise<ChangedBuckets | ReadModelsRebuilt | ChangesExpired | null> {
    const logged = await this.facts.changesAfter(this.dataSource.manager, afterId, CHANGES_PER_MESSAGE);
    if (logged.length === 0) return null;
    if (logged[0].fact === REBUILT_FACT)
      return { id: logged[0].id, rebuilt: true, schema: this.live.tables.schema };
    if (logged[0].fact === PRUNED_FACT) return { id: logged[0].id, expired: true };
    const marker = logged.findIndex((change) => change.fact === REBUILT_FACT || change.fact === PRUNED_FACT);
    const changes = marker === -1 ? logged : logged.slice(0, marker);
    const keys = [
      ...new Set(
        changes.flatMap((change) =>
          change.times.map((t) => bucketStartOf(Date.parse(t), filter.granularity)),
        ),
      ),
    ]
      .sort((a, b) => b - a) // newest buckets first when there are too many for one message
      .slice(0, BUCKETS_PER_MESSAGE)
      .sort((a, b) => a - b);
    const buckets: KpiBucketReport[] = [];
    for (const key of keys) {
      const report = await this.getKpis.execute({
        ...filter,
        from: new Date(key).toISOString(),
        to: new Date(nextBucketStart(key, filter.granularity)).toISOString(),
      });
      buckets.push(...report.buckets);
    }
    return {
      id: changes[changes.length - 1].id,
      facts: [...new Set(changes.map((change) => change.fact))],
      granularity: filter.granularity,
      buckets,
    };
  }
}
