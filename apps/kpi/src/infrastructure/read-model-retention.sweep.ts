import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { pruneInbox } from '@opsline/messaging';
import {
  INBOX_RETENTION,
  INBOX_ROWS_PRUNED_PER_RUN,
  InboxRetention,
  PeriodicSweep,
} from '@opsline/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { PRUNED_FACT } from '../application/kpi-change-stream.use-case';
import { KpiFactRepository } from './kpi-fact.repository';
import { KPI_SCHEMA, LiveTables } from './kpi-tables';
import { LiveKpiTables } from './read-models/read-model-versions.repository';

/** Injection token of how long the change log keeps its entries, in milliseconds. */
export const CHANGE_LOG_RETENTION_MS = Symbol('opsline:kpi:ChangeLogRetentionMs');

/** Change-log entries deleted per run at most: a backlog (a first run on an old log) goes in steps. */
const CHANGES_PRUNED_PER_RUN = 10_000;

/**
 * Keeps what the live read-model version logs to its retention, every 30 s, oldest first: its
 * change log (`GET /kpis/stream`; every consumer transaction adds a row) to
 * `KPI_CHANGE_LOG_RETENTION_HOURS`, leaving the marker that tells a stream resumed from before it
 * (see `PRUNED_FACT`); and, once a rebuild made another schema live, that version's inbox to
 * `INBOX_RETENTION_HOURS` (the service schema's own inbox is the service kit's sweep's).
 */
@Injectable()
export class ReadModelRetentionSweep extends PeriodicSweep {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(LiveKpiTables) private readonly live: LiveTables,
    @Inject(CHANGE_LOG_RETENTION_MS) private readonly changeLogRetentionMs: number,
    @Inject(INBOX_RETENTION) private readonly inbox: InboxRetention,
  ) {
    super(dataSource, 30_000, 'ReadModelRetention');
  }

  protected async sweep(manager: EntityManager, now: string): Promise<void> {
    const { tables } = this.live;
    const before = (retentionMs: number) => new Date(Date.parse(now) - retentionMs).toISOString();
    await new KpiFactRepository(tables).pruneChanges(
      manager,
      before(this.changeLogRetentionMs),
      PRUNED_FACT,
      CHANGES_PRUNED_PER_RUN,
    );
    if (tables.schema !== KPI_SCHEMA)
      await pruneInbox(manager, tables.schema, before(this.inbox.retentionMs), INBOX_ROWS_PRUNED_PER_RUN);
  }
}
