import { Injectable } from '@nestjs/common';
import { InMemoryFactStore } from '../domain/in-memory-fact-store';
import type { KpiBucketReport } from '../domain/kpi-query';
import type { HighWaterMarks } from '../domain/rebuild-progress';
import {
  compareBuckets,
  comparePositions,
  dailyQuery,
  DayRange,
  dayRangeOf,
  expectedDailyBuckets,
  MetricDrift,
  PositionDrift,
  reconciliationFilters,
} from '../domain/reconciliation';
import { DailyFactSlices, DAY_MS } from '../domain/reconciliation-slices';
import {
  ReadModelSnapshot,
  ReconciliationRepository,
} from '../infrastructure/reconciliation/reconciliation.repository';
import {
  ReplayIncompleteError,
  TopicReplayReader,
} from '../infrastructure/reconciliation/topic-replay.reader';

/** Drift entries listed in a result (the counts say how many there are in all). */
export const DRIFT_LISTED = 100;

export type ReconciliationTrigger = 'scheduled' | 'on-demand';

/** The outcome of one reconciliation (`GET /kpis/reconciliation`). */
export interface KpiReconciliationResult {
  /** ok: nothing differs; drift: see `drift` and `positions.drift`; inconclusive: see `reason`. */
  readonly status: 'ok' | 'drift' | 'inconclusive';
  readonly trigger: ReconciliationTrigger;
  readonly startedAt: string;
  readonly checkedAt: string;
  readonly durationMs: number;
  /** The live version compared and the consumer group that fills it. */
  readonly readModel: { readonly schema: string; readonly consumerGroup: string } | null;
  /** Offsets read up to (exclusive) per partition: what the read model had applied at the snapshot. */
  readonly replayedUpTo: HighWaterMarks;
  readonly messagesRead: number;
  readonly eventsApplied: number;
  /** Messages skipped as invalid (the consumer dead-letters them). */
  readonly invalidMessages: number;
  /** The whole UTC days compared (null when there are no facts). */
  readonly range: DayRange | null;
  /** Day buckets compared, over every filter (unfiltered, each warehouse, each channel). */
  readonly bucketsCompared: number;
  /** Drifted metric × bucket cells. */
  readonly driftCount: number;
  readonly drift: readonly MetricDrift[];
  readonly positions: {
    readonly compared: number;
    readonly driftCount: number;
    readonly drift: readonly PositionDrift[];
  };
  readonly reason: string | null;
}

export interface ReconcileOptions {
  readonly trigger: ReconciliationTrigger;
  readonly replayTimeoutMs: number;
  readonly stopped: () => boolean;
}

/**
 * Reconciliation: the live read models against a fresh computation from the topics. In one database
 * snapshot it takes the offsets the read models' consumer had applied, replays the topics up to them
 * into memory with the consumer's own projections, computes the §5 reference per UTC day (unfiltered,
 * per warehouse, per channel) and compares it with what `GET /kpis` answers from that snapshot; the
 * inventory positions of the read model are compared with those the replayed events carry.
 */
@Injectable()
export class ReconcileKpisUseCase {
  constructor(
    private readonly repository: ReconciliationRepository,
    private readonly reader: TopicReplayReader,
  ) {}

  async reconcile(options: ReconcileOptions): Promise<KpiReconciliationResult> {
    const started = Date.now();
    const base = { trigger: options.trigger, startedAt: new Date(started).toISOString() };
    const finished = () => ({ checkedAt: new Date().toISOString(), durationMs: Date.now() - started });
    return this.repository.inSnapshot(async (snapshot) => {
      const ends = await snapshot.appliedEnds();
      const readModel = { schema: snapshot.tables.schema, consumerGroup: snapshot.consumerGroup };
      const store = new InMemoryFactStore();
      try {
        const stats = await this.reader.replay(ends, store, {
          timeoutMs: options.replayTimeoutMs,
          stopped: options.stopped,
        });
        const comparison = await this.compare(snapshot, store);
        return { ...base, ...finished(), readModel, replayedUpTo: ends, ...stats, ...comparison };
      } catch (error) {
        if (!(error instanceof ReplayIncompleteError)) throw error;
        return { ...inconclusive(base, error.message), ...finished(), readModel, replayedUpTo: ends };
      }
    });
  }

  private async compare(
    snapshot: ReadModelSnapshot,
    store: InMemoryFactStore,
  ): Promise<
    Pick<
      KpiReconciliationResult,
      'status' | 'range' | 'bucketsCompared' | 'driftCount' | 'drift' | 'positions' | 'reason'
    >
  > {
    const facts = store.facts();
    const slices = new DailyFactSlices(facts);
    const range = dayRangeOf(slices, await snapshot.factTimeRange());
    const drift: MetricDrift[] = [];
    let bucketsCompared = 0;
    if (range !== null)
      for (const filter of reconciliationFilters(facts)) {
        const actual = await snapshot.buckets(dailyQuery(range, filter));
        const expected: KpiBucketReport[] = [];
        for (let day = Date.parse(range.from); day < Date.parse(range.to); day += DAY_MS) {
          const oneDay = { from: new Date(day).toISOString(), to: new Date(day + DAY_MS).toISOString() };
          expected.push(...expectedDailyBuckets(slices, oneDay, filter));
          // a busy day takes a while to recompute: let HTTP requests in between days
          await new Promise((resolve) => setImmediate(resolve));
        }
        drift.push(...compareBuckets(expected, actual, filter));
        bucketsCompared += expected.length;
      }
    const positionDrift = comparePositions(facts.positions, await snapshot.positions());
    return {
      status: drift.length + positionDrift.length === 0 ? 'ok' : 'drift',
      range,
      bucketsCompared,
      driftCount: drift.length,
      drift: drift.slice(0, DRIFT_LISTED),
      positions: {
        compared: facts.positions.length,
        driftCount: positionDrift.length,
        drift: positionDrift.slice(0, DRIFT_LISTED),
      },
      reason: null,
    };
  }
}

/** A result that compared nothing, and why. */
export function inconclusive(
  base: Pick<KpiReconciliationResult, 'trigger' | 'startedAt'>,
  reason: string,
): Omit<KpiReconciliationResult, 'checkedAt' | 'durationMs' | 'readModel' | 'replayedUpTo'> {
  return {
    ...base,
    status: 'inconclusive',
    messagesRead: 0,
    eventsApplied: 0,
    invalidMessages: 0,
    range: null,
    bucketsCompared: 0,
    driftCount: 0,
    drift: [],
    positions: { compared: 0, driftCount: 0, drift: [] },
    reason,
  };
}
