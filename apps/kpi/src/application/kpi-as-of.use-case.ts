import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RequestValidationError, UnprocessableError } from '@opsline/platform';
import { DataSource } from 'typeorm';
import { AsOfKpiReport, computeKpisFromFacts, JournalReplay, markRestated } from '../domain/as-of';
import { bucketStartOf, Granularity, nextBucketStart } from '../domain/kpi-buckets';
import type { KpiQuery } from '../domain/kpi-query';
import { LineageFact, LineageMetric, metricLineage, MetricLineage } from '../domain/lineage';
import { EventJournalRepository } from '../infrastructure/journal/event-journal.repository';
import type { LiveTables } from '../infrastructure/kpi-tables';
import { LiveKpiTables } from '../infrastructure/read-models/read-model-versions.repository';
import { KpiEnvironment } from '../kpi.environment';
import { bucketsOrFail, GetKpisUseCase } from './get-kpis.use-case';

/** `GET /kpis/lineage`: one metric of one bucket (or range), the usual filters, a page of facts. */
export interface LineageQuery {
  readonly metric: LineageMetric;
  /** [from, to) of the bucket or range asked for. */
  readonly from: string;
  readonly to: string;
  readonly warehouseId: string | null;
  readonly sku: string | null;
  readonly channel: string | null;
  /** The facts as known at this time; null: as known now. */
  readonly asOf: string | null;
  readonly limit: number;
  /** How many facts earlier pages held (the decoded cursor). */
  readonly offset: number;
}

export interface LineagePage extends Omit<MetricLineage, 'facts'> {
  readonly from: string;
  readonly to: string;
  readonly filters: { warehouseId: string | null; sku: string | null; channel: string | null };
  readonly asOf: string | null;
  /** Every fact behind the number (all pages). */
  readonly factCount: number;
  readonly facts: readonly LineageFact[];
  /** Pass as `cursor` for the next page; null on the last one. */
  readonly nextCursor: string | null;
  readonly eventsReplayed: number;
}

export const encodeLineageCursor = (offset: number): string =>
  Buffer.from(`o:${offset}`, 'utf8').toString('base64url');

/** The offset a cursor stands for, or a 400 naming `cursor`. */
export function decodeLineageCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null)
    throw new RequestValidationError([
      { field: 'cursor', rule: 'cursor', message: 'cursor must be a nextCursor of an earlier page' },
    ]);
  return Number(match[1]);
}

/** 400 naming `asOf` when it lies in the future (nothing is known about it yet). */
export function assertAsOfNotInFuture(asOf: string, nowMs: number): string {
  if (Date.parse(asOf) > nowMs)
    throw new RequestValidationError([
      { field: 'asOf', rule: 'notInFuture', message: 'asOf must not be in the future' },
    ]);
  return new Date(asOf).toISOString();
}

/** [start, end) of the bucket of `granularity` starting at `bucket`, or a 400 naming `bucket`. */
export function bucketRange(bucket: string, granularity: Granularity): { from: string; to: string } {
  const startMs = Date.parse(bucket);
  if (bucketStartOf(startMs, granularity) !== startMs)
    throw new RequestValidationError([
      {
        field: 'bucket',
        rule: 'bucketStart',
        message: `bucket must be the start of a UTC ${granularity} (weeks start Monday)`,
      },
    ]);
  return {
    from: new Date(startMs).toISOString(),
    to: new Date(nextBucketStart(startMs, granularity)).toISOString(),
  };
}

/**
 * As-of answers and lineage, both from the event journal of the live read-model version: the
 * events known at a time are replayed in log order with the projections the Kafka handlers use.
 */
@Injectable()
export class KpiAsOfUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly getKpis: GetKpisUseCase,
    @Inject(LiveKpiTables) private readonly live: LiveTables,
    private readonly environment: KpiEnvironment,
  ) {}

  /** `GET /kpis?asOf=`: the KPIs as known at `asOf`, buckets whose numbers changed since marked. */
  async asOf(query: KpiQuery, asOf: string): Promise<AsOfKpiReport> {
    bucketsOrFail(query);
    const at = assertAsOfNotInFuture(asOf, Date.now());
    const replay = await this.replay(at);
    const past = computeKpisFromFacts(replay.facts(), query);
    const current = await this.getKpis.execute(query);
    return markRestated(past, current, at, replay.eventsApplied);
  }

  /** `GET /kpis/lineage`: the facts behind one number, with the events that produced them, a page. */
  async lineage(query: LineageQuery): Promise<LineagePage> {
    const at = query.asOf === null ? new Date().toISOString() : assertAsOfNotInFuture(query.asOf, Date.now());
    const replay = await this.replay(at);
    const { from, to, warehouseId, sku, channel } = query;
    const { facts, ...lineage } = metricLineage(
      replay.facts(),
      { from, to, granularity: 'day', warehouseId, sku, channel },
      query.metric,
      Date.parse(from),
      Date.parse(to),
      (key) => replay.eventIdsOf(key),
    );
    const end = query.offset + query.limit;
    return {
      ...lineage,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      filters: { warehouseId, sku, channel },
      asOf: query.asOf === null ? null : at,
      factCount: facts.length,
      facts: facts.slice(query.offset, end),
      nextCursor: end < facts.length ? encodeLineageCursor(end) : null,
      eventsReplayed: replay.eventsApplied,
    };
  }

  /**
   * The journal slice known at `asOf` replayed in memory, in one read-only snapshot (the count and
   * the rows agree); refused with 422 when it holds more than `KPI_AS_OF_MAX_EVENTS` events.
   */
  private async replay(asOf: string): Promise<JournalReplay> {
    const journal = new EventJournalRepository(this.live.tables.journal);
    const queryRunner = this.dataSource.createQueryRunner();
    await queryRunner.connect();
    try {
      await queryRunner.startTransaction('REPEATABLE READ');
      const manager = queryRunner.manager;
      const known = await journal.countKnownAt(manager, asOf);
      const limit = this.environment.KPI_AS_OF_MAX_EVENTS;
      if (known > limit)
        throw new UnprocessableError(
          'KPI.JOURNAL_SLICE_TOO_LARGE',
          `${known} events were known at ${asOf}; one as-of or lineage answer replays at most ${limit} (KPI_AS_OF_MAX_EVENTS)`,
        );
      const replay = new JournalReplay();
      for await (const page of journal.knownAt(manager, asOf)) replay.apply(page);
      return replay;
    } finally {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
      await queryRunner.release();
    }
  }
}
