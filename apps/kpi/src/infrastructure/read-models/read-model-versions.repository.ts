import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { HighWaterMarks } from '../../domain/rebuild-progress';
import { KPI_CONSUMER_GROUP, KPI_SCHEMA, KpiTables, LiveTables } from '../kpi-tables';

export type ReadModelStatus = 'building' | 'live' | 'retired' | 'failed' | 'dropped';

/** One version of the read models: a schema of fact tables and the consumer group that fills it. */
export interface ReadModelVersion {
  readonly version: number;
  readonly schema: string;
  readonly consumerGroup: string;
  readonly status: ReadModelStatus;
  readonly highWaterMarks: HighWaterMarks;
  readonly startedAt: string;
  readonly liveSince: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

type Row = {
  version: number;
  schema_name: string;
  consumer_group: string;
  status: ReadModelStatus;
  high_water_marks: HighWaterMarks;
  started_at: Date;
  live_since: Date | null;
  finished_at: Date | null;
  error: string | null;
};

const VERSIONS = `"${KPI_SCHEMA}".read_model_versions`;

/**
 * The read-model versions' schemas that still hold an inbox (not dropped): each version's consumer
 * group keeps its inbox in the version's schema, beside its facts.
 */
export async function versionSchemasWithInbox(manager: EntityManager): Promise<string[]> {
  const rows = (await manager.query(
    `SELECT schema_name FROM ${VERSIONS}
     WHERE to_regclass(quote_ident(schema_name) || '.inbox') IS NOT NULL ORDER BY version`,
  )) as { schema_name: string }[];
  return rows.map((row) => row.schema_name);
}

const toVersion = (row: Row): ReadModelVersion => ({
  version: row.version,
  schema: row.schema_name,
  consumerGroup: row.consumer_group,
  status: row.status,
  highWaterMarks: row.high_water_marks,
  startedAt: row.started_at.toISOString(),
  liveSince: row.live_since?.toISOString() ?? null,
  finishedAt: row.finished_at?.toISOString() ?? null,
  error: row.error,
});

const SCHEMA_PREFIX = `${KPI_SCHEMA}_v`;
const GROUP_PREFIX = 'kpi-rebuild-v';

/** `kpi.read_model_versions`: which version is live, which one is being built. */
@Injectable()
export class ReadModelVersionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async live(manager: EntityManager = this.dataSource.manager): Promise<ReadModelVersion> {
    const rows = (await manager.query(`SELECT * FROM ${VERSIONS} WHERE status = 'live'`)) as Row[];
    if (rows.length !== 1) throw new Error(`expected one live read-model version, found ${rows.length}`);
    return toVersion(rows[0]);
  }

  async building(): Promise<ReadModelVersion | null> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM ${VERSIONS} WHERE status = 'building'`,
    )) as Row[];
    return rows.length === 0 ? null : toVersion(rows[0]);
  }

  /** The newest version a rebuild created (null before the first rebuild). */
  async newestRebuild(): Promise<ReadModelVersion | null> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM ${VERSIONS} WHERE version > 1 ORDER BY version DESC LIMIT 1`,
    )) as Row[];
    return rows.length === 0 ? null : toVersion(rows[0]);
  }

  /**
   * Registers the next version as being built; null when one is being built already (the partial
   * unique index settles two concurrent requests).
   */
  async startBuilding(highWaterMarks: HighWaterMarks): Promise<ReadModelVersion | null> {
    const rows = (await this.dataSource.query(
      `WITH next AS (SELECT max(version) + 1 AS version FROM ${VERSIONS})
       INSERT INTO ${VERSIONS} (version, schema_name, consumer_group, status, high_water_marks)
       SELECT version, $1 || version, $2 || version, 'building', $3::jsonb FROM next
       ON CONFLICT DO NOTHING RETURNING *`,
      [SCHEMA_PREFIX, GROUP_PREFIX, JSON.stringify(highWaterMarks)],
    )) as Row[];
    return rows.length === 0 ? null : toVersion(rows[0]);
  }

  async markFailed(version: number, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${VERSIONS} SET status = 'failed', finished_at = clock_timestamp(), error = $2
       WHERE version = $1 AND status = 'building'`,
      [version, error],
    );
  }

  /**
   * First in the switch's transaction: locks `version`'s row (a second switch of it waits) and
   * returns its status, `live` when an earlier attempt committed and only what followed failed.
   */
  async lockForSwitch(manager: EntityManager, version: number): Promise<ReadModelStatus> {
    const rows = (await manager.query(`SELECT status FROM ${VERSIONS} WHERE version = $1 FOR UPDATE`, [
      version,
    ])) as Pick<Row, 'status'>[];
    if (rows.length === 0) throw new Error(`read-model version ${version} is not registered`);
    return rows[0].status;
  }

  /** In the switch's transaction: `version` becomes live, the live one is kept as the rollback copy. */
  async makeLive(manager: EntityManager, version: number): Promise<void> {
    await manager.query(
      `UPDATE ${VERSIONS} SET status = 'retired', finished_at = clock_timestamp() WHERE status = 'live'`,
    );
    await manager.query(
      `UPDATE ${VERSIONS} SET status = 'live', live_since = clock_timestamp(), finished_at = clock_timestamp()
       WHERE version = $1 AND status = 'building'`,
      [version],
    );
  }

  /** Retired versions older than the newest retired one (their schemas may be dropped). */
  async olderRetired(): Promise<ReadModelVersion[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM ${VERSIONS} WHERE status = 'retired'
         AND version < (SELECT max(version) FROM ${VERSIONS} WHERE status = 'retired')`,
    )) as Row[];
    return rows.map(toVersion);
  }

  async markDropped(version: number): Promise<void> {
    await this.dataSource.query(`UPDATE ${VERSIONS} SET status = 'dropped' WHERE version = $1`, [version]);
  }
}

/**
 * The tables of the live version, for every reader (GET /kpis, lookups, the change stream). Read
 * from `read_model_versions` at start and after a switch, and every few seconds in case another
 * instance switched.
 */
@Injectable()
export class LiveKpiTables implements LiveTables {
  private current = new KpiTables(KPI_SCHEMA);
  private group = KPI_CONSUMER_GROUP;

  constructor(private readonly versions: ReadModelVersionsRepository) {}

  get tables(): KpiTables {
    return this.current;
  }

  /** The consumer group filling the live version (whose lag `freshness.lagByTopic` reports). */
  get consumerGroup(): string {
    return this.group;
  }

  async refresh(): Promise<ReadModelVersion> {
    const live = await this.versions.live();
    if (live.schema !== this.current.schema) this.current = new KpiTables(live.schema);
    this.group = live.consumerGroup;
    return live;
  }
}
