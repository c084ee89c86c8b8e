import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  BatchConsumer,
  inboxProcessedAtIndexSql,
  KAFKA_CLIENT,
  KAFKA_PRODUCER,
  messagingTablesUpSql,
} from '@opsline/messaging';
import { ConflictError, PlatformMetrics } from '@opsline/platform';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { REBUILT_FACT } from '../../application/kpi-change-stream.use-case';
import { RecordAlertFeedsUseCase } from '../../application/record-alert-feeds.use-case';
import { hasCaughtUp, remainingByTopic } from '../../domain/rebuild-progress';
import { ConsumerLagReader, KPI_SOURCE_TOPICS } from '../consumer-lag.reader';
import { kpiBatchConsumer } from '../kpi-batch-consumer';
import { kpiBatchHandlers } from '../kpi-fact.handlers';
import { KPI_SCHEMA, KpiTables } from '../kpi-tables';
import { kpiFactIndexesUpSql, kpiFactTablesUpSql } from '../migrations/1764000000400-create-kpi-facts';
import { freshnessPerPartitionUpSql } from '../migrations/1764000000460-freshness-per-partition';
import { eventJournalUpSql } from '../migrations/1764000000420-create-event-journal';
import { factTablesFillfactorUpSql } from '../migrations/1764000000480-fact-tables-fillfactor';
import { KpiEnvironment } from '../../kpi.environment';
import {
  LiveKpiTables,
  ReadModelVersion,
  ReadModelVersionsRepository,
} from './read-model-versions.repository';

const PROGRESS_POLL_MS = 100;
/**
 * After a failed switch the live consumer runs again until the retry; the wait doubles from a
 * second up to this, so a switch that keeps failing does not keep the live version from consuming.
 */
const MAX_SWITCH_RETRY_DELAY_MS = 30_000;
const LIVE_REFRESH_MS = 5_000;

/** What `GET /admin/read-models/rebuild` reports of a rebuild. */
export interface RebuildProgress {
  readonly rebuildId: string;
  readonly targetSchema: string;
  readonly consumerGroup: string;
  /** running: consuming towards the marks; switched: live (or since replaced); failed: see `error`. */
  readonly status: 'running' | 'switched' | 'failed';
  readonly startedAt: string;
  readonly switchedAt: string | null;
  /** Messages per topic still to apply before the high-water marks captured at the start (0 after). */
  readonly remainingByTopic: Record<string, number> | null;
  readonly error: string | null;
}

const rebuildIdOf = (version: number): string => `v${version}`;

/** Every qualified table name of a version. */
const factTablesOf = (tables: KpiTables): string[] =>
  Object.values(tables).filter((name): name is string => typeof name === 'string' && name.includes('.'));

/** The tables the KPI queries join (the journal, change log and freshness are read by key or in order). */
const queriedTablesOf = (tables: KpiTables): string[] => [
  tables.orders,
  tables.orderLines,
  tables.shipmentLines,
  tables.returns,
  tables.returnLines,
  tables.inspections,
  tables.inspectionLines,
  tables.cycleCounts,
  tables.positions,
];

/**
 * Runs the read models' consumers instead of the messaging module (the kpi module registers no
 * @OnEvent provider): the live version's consumer, and during a rebuild a second one, with its own
 * consumer group from offset 0, writing the same facts through the same handlers into `kpi_v<N>`.
 * When that group's committed offsets reach the high-water marks captured at the start, the live
 * consumer stops, one transaction makes the new version live (and carries the change log over), and
 * the rebuild's consumer goes on as the live one. The version before stays as the rollback copy;
 * older ones are dropped.
 */
@Injectable()
export class KpiReadModelsRunner implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KpiReadModels');
  private liveConsumer: BatchConsumer | null = null;
  private rebuild: {
    version: ReadModelVersion;
    consumer: BatchConsumer | null;
    failedSwitches: number;
  } | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    private readonly metrics: PlatformMetrics,
    private readonly versions: ReadModelVersionsRepository,
    private readonly live: LiveKpiTables,
    private readonly offsets: ConsumerLagReader,
    private readonly environment: KpiEnvironment,
    private readonly alertFeeds: RecordAlertFeedsUseCase,
  ) {}

  /** `false` in an API-only process (`KPI_ROLE=api`): it reads the read models, the projector writes them. */
  private get projects(): boolean {
    return this.environment.KPI_ROLE !== 'api';
  }

  /** Readers know the live version before the first request. */
  async onModuleInit(): Promise<void> {
    await this.live.refresh();
  }

  async onApplicationBootstrap(): Promise<void> {
    const live = await this.live.refresh();
    this.refreshTimer = setInterval(() => void this.refresh().catch(() => undefined), LIVE_REFRESH_MS);
    this.refreshTimer.unref();
    if (!this.projects) {
      this.logger.log({ msg: 'serving the API only (KPI_ROLE=api)', schema: live.schema });
      return;
    }
    this.liveConsumer = this.consumerFor(live);
    await this.liveConsumer.start();
    this.logger.log({ msg: 'consuming', schema: live.schema, group: live.consumerGroup });
    // A rebuild interrupted by a restart goes on from its group's committed offsets.
    await this.resumeRegisteredRebuild();
  }

  /** Follows switches made by another process, and picks up rebuilds an API process registered. */
  private async refresh(): Promise<void> {
    await this.live.refresh();
    if (this.projects && this.rebuild === null && !this.stopping) await this.resumeRegisteredRebuild();
  }

  private async resumeRegisteredRebuild(): Promise<void> {
    const building = await this.versions.building();
    if (building !== null && this.rebuild === null) this.runRebuild(building);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.progressTimer !== null) clearTimeout(this.progressTimer);
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    await Promise.all([this.liveConsumer?.stop(), this.rebuild?.consumer?.stop()]);
  }

  /**
   * POST /admin/read-models/rebuild: registers `kpi_v<N>`, creates its tables, starts filling it. The
   * tables have their keys but not yet the indexes the queries read by: those are built at the switch.
   */
  async startRebuild(): Promise<RebuildProgress> {
    if ((await this.versions.building()) !== null) throw this.alreadyRunning();
    const marks = await this.offsets.highWaterMarks();
    const version = await this.versions.startBuilding(marks);
    if (version === null) throw this.alreadyRunning();
    try {
      await this.dataSource.transaction(async (manager) => {
        // A schema left by an attempt that failed before it was registered would be stale.
        await manager.query(`DROP SCHEMA IF EXISTS "${version.schema}" CASCADE`);
        for (const sql of [
          ...kpiFactTablesUpSql(version.schema),
          ...freshnessPerPartitionUpSql(version.schema),
          ...factTablesFillfactorUpSql(version.schema),
          ...eventJournalUpSql(version.schema),
          ...messagingTablesUpSql(version.schema),
        ])
          await manager.query(sql);
      });
    } catch (error) {
      await this.versions.markFailed(version.version, (error as Error).message);
      throw error;
    }
    // an API process leaves it registered; the projector starts it within LIVE_REFRESH_MS
    if (this.projects) this.runRebuild(version);
    return this.progressOf(version, remainingByTopic(marks, {}));
  }

  /** GET /admin/read-models/rebuild: the newest rebuild (null before the first). */
  async progress(): Promise<{ liveSchema: string; rebuild: RebuildProgress | null }> {
    // both from the database, so a switch committed a moment ago shows in both at once
    const [newest, live] = await Promise.all([this.versions.newestRebuild(), this.versions.live()]);
    const liveSchema = live.schema;
    if (newest === null) return { liveSchema, rebuild: null };
    const remaining =
      newest.status === 'building'
        ? remainingByTopic(
            newest.highWaterMarks,
            await this.offsets.committedOffsets(newest.consumerGroup).catch(() => ({})),
          )
        : newest.status === 'failed'
          ? null
          : Object.fromEntries(KPI_SOURCE_TOPICS.map((topic) => [topic, 0]));
    return { liveSchema, rebuild: this.progressOf(newest, remaining) };
  }

  private progressOf(version: ReadModelVersion, remaining: Record<string, number> | null): RebuildProgress {
    return {
      rebuildId: rebuildIdOf(version.version),
      targetSchema: version.schema,
      consumerGroup: version.consumerGroup,
      status: version.status === 'building' ? 'running' : version.status === 'failed' ? 'failed' : 'switched',
      startedAt: version.startedAt,
      switchedAt: version.liveSince,
      remainingByTopic: remaining,
      error: version.error,
    };
  }

  private alreadyRunning(): ConflictError {
    return new ConflictError('KPI.REBUILD_IN_PROGRESS', 'a read-model rebuild is already running');
  }

  /** Starts the rebuild's consumer and watches its offsets until it can switch. */
  private runRebuild(version: ReadModelVersion): void {
    const consumer = this.consumerFor(version);
    this.rebuild = { version, consumer, failedSwitches: 0 };
    this.logger.log({ msg: 'rebuilding', schema: version.schema, marks: version.highWaterMarks });
    consumer
      .start()
      .then(async () => {
        // a shutdown that came while the consumer was still joining its group could not stop it
        if (this.stopping) await consumer.stop();
        else this.watch(version);
      })
      .catch((error: Error) => this.fail(version, error));
  }

  private watch(version: ReadModelVersion, delayMs = PROGRESS_POLL_MS): void {
    if (this.stopping) return;
    this.progressTimer = setTimeout(() => {
      this.offsets
        .committedOffsets(version.consumerGroup)
        .then(async (committed) => {
          if (!hasCaughtUp(version.highWaterMarks, committed)) return this.watch(version);
          await this.switchTo(version).catch(async (error: Error) => {
            // The transaction rolled back and the old version stays live: consume it again and retry.
            // (If it committed and only the read-back failed, the retry finds the version live.)
            const failures = this.rebuild === null ? 1 : ++this.rebuild.failedSwitches;
            const retryInMs = Math.min(MAX_SWITCH_RETRY_DELAY_MS, 1_000 * 2 ** (failures - 1));
            this.logger.error({ msg: 'read-model switch failed', error: error.message, failures, retryInMs });
            if (this.stopping) return;
            const liveConsumer = this.consumerFor(await this.live.refresh());
            this.liveConsumer = liveConsumer;
            await liveConsumer.start();
            // a shutdown that came while it was joining its group could not stop it
            if (this.stopping) await liveConsumer.stop();
            else this.watch(version, retryInMs);
          });
        })
        .catch((error: Error) => {
          this.logger.warn({ msg: 'rebuild progress unavailable', error: error.message });
          this.watch(version);
        });
    }, delayMs);
    this.progressTimer.unref();
  }

  /**
   * The switch. The new tables get their indexes and are analyzed while the live consumer stops
   * (finishing and committing its batch), so the old change log is final; then one transaction copies
   * it into the new version (same ids, replacing the rebuild's own replay of history), appends the
   * `rebuilt` marker, and makes the new version live.
   */
  private async switchTo(version: ReadModelVersion): Promise<void> {
    if (this.stopping || this.rebuild === null) return;
    const previous = this.live.tables;
    const next = new KpiTables(version.schema);
    const indexes = kpiFactIndexesUpSql(version.schema);
    const began = Date.now();
    // Each table on its own connection: its indexes, then ANALYZE (fresh tables have no statistics,
    // and without them the first queries of the new version plan badly). The rebuild's consumer
    // waits for the index builds. The live version stops taking events meanwhile: a few hundred
    // milliseconds staler during a switch, instead of a switch that long longer.
    // (both settle before a failure is thrown: the retry restarts the live consumer once it has stopped)
    const [prepared, stopped] = await Promise.allSettled([
      Promise.all([
        ...queriedTablesOf(next).map(async (table) => {
          await Promise.all(
            indexes.filter((sql) => sql.includes(` ON ${table} `)).map((sql) => this.dataSource.query(sql)),
          );
          await this.dataSource.query(`ANALYZE ${table}`);
        }),
        this.dataSource.query(inboxProcessedAtIndexSql(version.schema)),
      ]).then(() => Date.now()),
      (this.liveConsumer?.stop() ?? Promise.resolve()).then(() => Date.now()),
    ]);
    if (prepared.status === 'rejected') throw prepared.reason;
    if (stopped.status === 'rejected') throw stopped.reason;
    const [preparedAt, stoppedAt] = [prepared.value, stopped.value];
    await this.dataSource.transaction(async (manager) => {
      const status = await this.versions.lockForSwitch(manager, version.version);
      // Made live by an attempt whose commit went through and whose aftermath (below) failed:
      // copying the change log again would copy the new version's own log onto itself.
      if (status === 'live') return;
      if (status !== 'building') throw new Error(`read-model version ${version.version} is ${status}`);
      // Holds back the rebuild consumer's next change rows until the ids are settled.
      await manager.query(`LOCK TABLE ${next.changes} IN EXCLUSIVE MODE`);
      await manager.query(`DELETE FROM ${next.changes}`);
      await manager.query(
        `INSERT INTO ${next.changes} (id, fact, bucket_times, recorded_at)
         SELECT id, fact, bucket_times, recorded_at FROM ${previous.changes}`,
      );
      await manager.query(
        `SELECT setval(pg_get_serial_sequence($1, 'id'), coalesce((SELECT max(id) FROM ${next.changes}), 0) + 1, false)`,
        [next.changes.replace(/"/g, '')],
      );
      await manager.query(`INSERT INTO ${next.changes} (fact, bucket_times) VALUES ($1, '{}')`, [
        REBUILT_FACT,
      ]);
      await this.versions.makeLive(manager, version.version);
    });
    await this.live.refresh();
    this.liveConsumer = this.rebuild.consumer;
    this.rebuild = null;
    this.logger.log({
      msg: 'read models switched',
      from: previous.schema,
      to: version.schema,
      // where the switch's time went: indexing and analyzing, stopping the live consumer (at the same time), the switch itself
      ms: {
        indexAndAnalyze: preparedAt - began,
        stop: stoppedAt - began,
        switch: Date.now() - Math.max(preparedAt, stoppedAt),
      },
    });
    await this.dropOlderVersions().catch((error: Error) =>
      this.logger.warn({ msg: 'dropping an old read-model version failed', error: error.message }),
    );
  }

  /** Keeps the version just replaced (rollback, comparison); drops the ones before it. */
  private async dropOlderVersions(): Promise<void> {
    for (const old of await this.versions.olderRetired()) {
      // The service's own schema also holds the versions table and the outbox: only its facts go.
      if (old.schema === KPI_SCHEMA)
        await this.dataSource.query(`DROP TABLE ${factTablesOf(new KpiTables(KPI_SCHEMA)).join(', ')}`);
      else await this.dataSource.query(`DROP SCHEMA "${old.schema}" CASCADE`);
      await this.versions.markDropped(old.version);
    }
  }

  private async fail(version: ReadModelVersion, error: Error): Promise<void> {
    this.logger.error({ msg: 'read-model rebuild failed', schema: version.schema, error: error.message });
    await this.rebuild?.consumer?.stop().catch(() => undefined);
    this.rebuild = null;
    await this.versions.markFailed(version.version, error.message);
  }

  private consumerFor(version: ReadModelVersion): BatchConsumer {
    return kpiBatchConsumer({
      kafka: this.kafka,
      producer: this.producer,
      metrics: this.metrics,
      dataSource: this.dataSource,
      groupId: version.consumerGroup,
      topics: KPI_SOURCE_TOPICS,
      // The inbox of a version's consumer group lives in the version's schema.
      schema: version.schema,
      batchHandlers: kpiBatchHandlers(new KpiTables(version.schema), this.alertFeeds),
    });
  }
}
