import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PositionFact } from '../../domain/kpi-facts';
import { emptyCounts, metricsFromCounts } from '../../domain/kpi-metrics';
import { cycleCountsApply, KpiBucketReport, KpiQuery } from '../../domain/kpi-query';
import type { HighWaterMarks } from '../../domain/rebuild-progress';
import { bucketsOrFail } from '../../application/get-kpis.use-case';
import { KpiQueryRepository } from '../kpi-query.repository';
import { KPI_SCHEMA, KpiTables } from '../kpi-tables';
import { ReadModelVersionsRepository } from '../read-models/read-model-versions.repository';

const RESULTS = `"${KPI_SCHEMA}".reconciliation_results`;
/** Results kept (the newest is served; a few before it help whoever investigates a drift). */
const RESULTS_KEPT = 20;

/**
 * The read model as one REPEATABLE READ snapshot: the offsets its consumer had applied, and the
 * answers it gave, are of the same moment, however much is written meanwhile.
 */
export class ReadModelSnapshot {
  constructor(
    private readonly manager: EntityManager,
    readonly tables: KpiTables,
    readonly consumerGroup: string,
  ) {}

  /**
   * Per partition, the offset after the last message the read models' consumer applied, from its
   * inbox (written in the transaction that applied the message, so it is exactly what the facts hold;
   * the group's committed Kafka offset is written after that transaction and may lag behind it).
   */
  async appliedEnds(): Promise<HighWaterMarks> {
    const rows = (await this.manager.query(
      `SELECT topic, partition, max("offset") + 1 AS end_offset FROM "${this.tables.schema}".inbox
       WHERE consumer_group = $1 GROUP BY topic, partition`,
      [this.consumerGroup],
    )) as { topic: string; partition: number; end_offset: string }[];
    const ends: Record<string, Record<string, number>> = {};
    for (const row of rows) (ends[row.topic] ??= {})[String(row.partition)] = Number(row.end_offset);
    return ends;
  }

  /** The first and last business time any fact row has (null when the tables are empty). */
  async factTimeRange(): Promise<{ first: string; last: string } | null> {
    const t = this.tables;
    const rows = (await this.manager.query(
      `SELECT min(at) AS first, max(at) AS last FROM (
         SELECT placed_at AS at FROM ${t.orders}
         UNION ALL SELECT cancelled_at FROM ${t.orders}
         UNION ALL SELECT last_shipment_at FROM ${t.orders}
         UNION ALL SELECT shipped_at FROM ${t.shipmentLines}
         UNION ALL SELECT requested_at FROM ${t.returns}
         UNION ALL SELECT inspected_at FROM ${t.inspections}
         UNION ALL SELECT counted_at FROM ${t.cycleCounts}) times`,
    )) as { first: Date | null; last: Date | null }[];
    const { first, last } = rows[0];
    return first === null || last === null ? null : { first: first.toISOString(), last: last.toISOString() };
  }

  /** The buckets `GET /kpis` answers for `query`, computed by the service's own SQL in this snapshot. */
  async buckets(kpiQuery: KpiQuery): Promise<KpiBucketReport[]> {
    const buckets = bucketsOrFail(kpiQuery);
    // The query repository runs its statements concurrently, each through `transaction()` and
    // `query()`: both are routed into this snapshot's one connection, one statement after another.
    const manager = this.manager;
    let tail: Promise<unknown> = Promise.resolve();
    const query = (text: string, parameters?: unknown[]): Promise<unknown> => {
      const next = tail.then(() => manager.query(text, parameters));
      tail = next.catch(() => undefined);
      return next;
    };
    const queued = { query } as unknown as EntityManager;
    const inSnapshot = {
      query,
      transaction: <T>(run: (m: EntityManager) => Promise<T>) => run(queued),
    } as unknown as DataSource;
    const counts = await new KpiQueryRepository(inSnapshot, { tables: this.tables }).countByBucket(kpiQuery);
    const applies = { cycleCounts: cycleCountsApply(kpiQuery) };
    return buckets.map((bucket) => ({
      start: bucket.start,
      end: bucket.end,
      metrics: metricsFromCounts(counts.buckets.get(bucket.key) ?? emptyCounts(), applies),
    }));
  }

  async positions(): Promise<PositionFact[]> {
    const rows = (await this.manager.query(
      `SELECT warehouse_id, sku, on_hand, reserved, available, backordered, reorder_point, changed_at
       FROM ${this.tables.positions}`,
    )) as {
      warehouse_id: string;
      sku: string;
      on_hand: number;
      reserved: number;
      available: number;
      backordered: number;
      reorder_point: number | null;
      changed_at: Date;
    }[];
    return rows.map((row) => ({
      warehouseId: row.warehouse_id,
      sku: row.sku,
      onHand: row.on_hand,
      reserved: row.reserved,
      available: row.available,
      backordered: row.backordered,
      reorderPoint: row.reorder_point,
      changedAt: row.changed_at.toISOString(),
    }));
  }
}

/** The snapshot reads, and `kpi.reconciliation_results` (the latest results, kept across restarts). */
@Injectable()
export class ReconciliationRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly versions: ReadModelVersionsRepository,
  ) {}

  /** Runs `read` in a read-only REPEATABLE READ transaction over the live version's tables. */
  inSnapshot<T>(read: (snapshot: ReadModelSnapshot) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const live = await this.versions.live(manager);
      return read(new ReadModelSnapshot(manager, new KpiTables(live.schema), live.consumerGroup));
    });
  }

  async save(status: string, result: object): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO ${RESULTS} (status, result) VALUES ($1, $2::jsonb)`, [
        status,
        JSON.stringify(result),
      ]);
      await manager.query(`DELETE FROM ${RESULTS} WHERE id <= (SELECT max(id) FROM ${RESULTS}) - $1`, [
        RESULTS_KEPT,
      ]);
    });
  }

  async latest<T>(): Promise<T | null> {
    const rows = (await this.dataSource.query(`SELECT result FROM ${RESULTS} ORDER BY id DESC LIMIT 1`)) as {
      result: T;
    }[];
    return rows.length === 0 ? null : rows[0].result;
  }
}
