import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PeriodicSweep } from '@opsline/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { PRUNED_FACT } from '../application/kpi-change-stream.use-case';
import { KpiFactRepository } from './kpi-fact.repository';
import type { LiveTables } from './kpi-tables';
import { LiveKpiTables } from './read-models/read-model-versions.repository';

/** Injection token of how long the change log keeps its entries, in milliseconds. */
export const CHANGE_LOG_RETENTION_MS = Symbol('opsline:kpi:ChangeLogRetentionMs');

/** Entries deleted per run at most: a backlog (a first run on an old log) goes in steps. */
const PRUNED_PER_RUN = 10_000;

/**
 * Keeps the live version's change log (`GET /kpis/stream`, every consumer transaction adds a row)
 * to `KPI_CHANGE_LOG_RETENTION_HOURS`: every 30 s, the oldest entries recorded before it are
 * deleted, leaving the marker that tells a stream resumed from before them (see `PRUNED_FACT`).
 */
@Injectable()
export class ChangeLogRetentionSweep extends PeriodicSweep {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(LiveKpiTables) private readonly live: LiveTables,
    @Inject(CHANGE_LOG_RETENTION_MS) private readonly retentionMs: number,
  ) {
    super(dataSource, 30_000, 'ChangeLogRetention');
  }

  protected async sweep(manager: EntityManager, now: string): Promise<number | null> {
    const cutoff = new Date(Date.parse(now) - this.retentionMs).toISOString();
    return new KpiFactRepository(this.live.tables).pruneChanges(manager, cutoff, PRUNED_FACT, PRUNED_PER_RUN);
  }
}
