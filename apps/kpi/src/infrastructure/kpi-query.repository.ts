import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Granularity } from '../domain/kpi-buckets';
import { emptyCounts, KpiCounts } from '../domain/kpi-metrics';
import { cycleCountsApply, IMPERFECT_RETURN_REASONS, KpiQuery } from '../domain/kpi-query';
import type { KpiTables, LiveTables } from './kpi-tables';
import { LiveKpiTables } from './read-models/read-model-versions.repository';
import { withNamedParameters } from './named-parameters';

/** Counts per bucket (keyed by the bucket's aligned start in ms) and over the whole range. */
export interface CountsByBucket {
  readonly buckets: Map<number, KpiCounts>;
  readonly totals: KpiCounts;
}

type Row = Record<string, unknown> & { bucket: Date | null };

/** Answers kept for reuse (all dropped when full: they are only reusable until the next commit anyway). */
const SHARED_ANSWERS = 256;

/** How one query's columns land in {@link KpiCounts}. */
type Apply = (row: Row, counts: KpiCounts) => void;

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/**
 * `GET /kpis` straight from the fact tables: one grouped statement per fact family, each with
 * `GROUPING SETS ((bucket), ())` so the totals row comes from the same facts in the same pass.
 * Buckets are UTC (see {@link bucketOf}).
 */
@Injectable()
export class KpiQueryRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LiveKpiTables) private readonly live: LiveTables,
  ) {}

  private readonly shared = new Map<string, Promise<CountsByBucket>>();

  /** The live version's tables, read per statement so that a switch applies to the next query. */
  private get tables(): KpiTables {
    return this.live.tables;
  }

  /**
   * {@link countByBucket}, shared between requests that ask the same question of the same data: the
   * key is the live schema and the database snapshot (`pg_current_snapshot()`), which changes with
   * every committed write, so an answer is reused only while nothing has been committed since it was
   * asked for (under ingestion: once per applied batch instead of once per request). Concurrent equal
   * requests wait for one computation.
   */
  countByBucketShared(query: KpiQuery): Promise<CountsByBucket> {
    return this.dataSource
      .query(`SELECT pg_current_snapshot()::text AS snapshot`)
      .then((rows: { snapshot: string }[]) => {
        const key = JSON.stringify([this.tables.schema, rows[0].snapshot, query]);
        let answer = this.shared.get(key);
        if (answer === undefined) {
          if (this.shared.size >= SHARED_ANSWERS) this.shared.clear();
          answer = this.countByBucket(query);
          this.shared.set(key, answer);
          answer.catch(() => this.shared.delete(key));
        }
        return answer;
      });
  }

  async countByBucket(query: KpiQuery): Promise<CountsByBucket> {
    const result: CountsByBucket = { buckets: new Map(), totals: emptyCounts() };
    const statements: [string, Apply][] = [
      [this.placedSql(query), applyPlaced],
      [this.cancelledSql(query), (row, c) => (c.ordersCancelled = num(row.orders_cancelled))],
      [this.shippedOrdersSql(query), applyShippedOrders],
      [this.shipmentsSql(query), (row, c) => (c.unitsShipped = num(row.units_shipped))],
      [this.returnsSql(query), applyReturns],
      [this.inspectionsSql(query), applyInspections],
    ];
    if (cycleCountsApply(query)) statements.push([this.cycleCountsSql(query), applyCycleCounts]);
    const values = {
      from: query.from,
      to: query.to,
      granularity: query.granularity,
      warehouseId: query.warehouseId,
      sku: query.sku,
      channel: query.channel,
    };
    await Promise.all(
      statements.map(async ([sql, apply]) => {
        const { text, parameters } = withNamedParameters(sql, values);
        const rows = await this.dataSource.transaction(async (manager) => {
          // percentile_cont sorts each bucket's rows: keep ~100k of them in memory, not on disk.
          await manager.query(`SET LOCAL work_mem = '64MB'`);
          return (await manager.query(text, parameters)) as Row[];
        });
        for (const row of rows) apply(row, this.countsOf(result, row.bucket));
      }),
    );
    return result;
  }

  private countsOf(result: CountsByBucket, bucket: Date | null): KpiCounts {
    if (bucket === null) return result.totals;
    const key = bucket.getTime();
    let counts = result.buckets.get(key);
    if (counts === undefined) result.buckets.set(key, (counts = emptyCounts()));
    return counts;
  }

  private orderMatches(alias: string): string {
    return `(:warehouseId::text IS NULL OR ${alias}.warehouse_id = :warehouseId)
      AND (:channel::text IS NULL OR ${alias}.channel = :channel)
      AND (:sku::text IS NULL OR EXISTS (
        SELECT 1 FROM ${this.tables.orderLines} sl WHERE sl.order_id = ${alias}.order_id AND sl.sku = :sku))`;
  }

  /**
   * Orders by placedAt. Without a sku filter the per-order line summary columns answer it; with one,
   * only that sku's lines are summed.
   */
  private placedSql(query: KpiQuery): string {
    const perOrder =
      query.sku === null
        ? `SELECT ${bucketOf('o.placed_at', query.granularity)} AS bucket, o.status, o.backordered_at_first_attempt,
             o.units_ordered AS units, o.order_value_minor AS value, o.line_count,
             o.lines_filled_at_first_attempt AS filled_lines
           FROM ${this.tables.orders} o
           WHERE o.placed_at >= :from AND o.placed_at < :to
             AND (:warehouseId::text IS NULL OR o.warehouse_id = :warehouseId)
             AND (:channel::text IS NULL OR o.channel = :channel)`
        : `SELECT ${bucketOf('o.placed_at', query.granularity)} AS bucket, o.status, o.backordered_at_first_attempt,
             sum(l.quantity) AS units, sum(l.quantity * l.unit_price_minor) AS value, count(*) AS line_count,
             count(*) FILTER (WHERE l.reserved_at_first_attempt >= l.quantity) AS filled_lines
           FROM ${this.tables.orders} o JOIN ${this.tables.orderLines} l ON l.order_id = o.order_id
           WHERE o.placed_at >= :from AND o.placed_at < :to
             AND (:warehouseId::text IS NULL OR o.warehouse_id = :warehouseId)
             AND (:channel::text IS NULL OR o.channel = :channel)
             AND l.sku = :sku
           GROUP BY o.order_id`;
    return `SELECT bucket, count(*) AS orders_placed, sum(units) AS units_ordered, sum(value) AS order_value_minor,
        count(*) FILTER (WHERE status = 'CANCELLED') AS placed_now_cancelled,
        count(*) FILTER (WHERE backordered_at_first_attempt) AS placed_backordered,
        sum(line_count) AS order_lines, sum(filled_lines) AS filled_lines
      FROM (${perOrder}) per_order
      GROUP BY GROUPING SETS ((bucket), ())`;
  }

  private cancelledSql(query: KpiQuery): string {
    return `SELECT bucket, count(*) AS orders_cancelled
      FROM (
        SELECT ${bucketOf('o.cancelled_at', query.granularity)} AS bucket FROM ${this.tables.orders} o
        WHERE o.status = 'CANCELLED' AND o.cancelled_at >= :from AND o.cancelled_at < :to AND ${this.orderMatches('o')}
      ) cancelled
      GROUP BY GROUPING SETS ((bucket), ())`;
  }

  private shippedOrdersSql(query: KpiQuery): string {
    const reasons = IMPERFECT_RETURN_REASONS.map((reason) => `'${reason}'`).join(', ');
    return `SELECT bucket, count(*) AS orders_shipped,
        count(*) FILTER (WHERE on_time) AS on_time,
        count(*) FILTER (WHERE on_time AND shipment_count = 1 AND backordered IS NOT TRUE AND NOT imperfect_return) AS perfect,
        -- numeric: a float sum depends on the order rows are read in, and the answer must not
        -- (a rebuilt version holds the same rows in another physical order)
        avg(hours::numeric)::float8 AS avg_hours,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS p50_hours,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) AS p90_hours
      FROM (
        SELECT ${bucketOf('o.last_shipment_at', query.granularity)} AS bucket, o.last_shipment_at <= o.promised_ship_by AS on_time,
          o.shipment_count, o.backordered_at_first_attempt AS backordered,
          o.cycle_time_hours AS hours,
          imperfect.order_id IS NOT NULL AS imperfect_return
        FROM ${this.tables.orders} o
          LEFT JOIN (
            SELECT DISTINCT r.order_id
            FROM ${this.tables.returns} r JOIN ${this.tables.returnLines} rl ON rl.return_id = r.return_id
            WHERE rl.authorized_quantity > 0 AND rl.reason_code IN (${reasons})
          ) imperfect ON imperfect.order_id = o.order_id
        WHERE o.complete AND o.last_shipment_at >= :from AND o.last_shipment_at < :to AND ${this.orderMatches('o')}
      ) shipped
      GROUP BY GROUPING SETS ((bucket), ())`;
  }

  private shipmentsSql(query: KpiQuery): string {
    return `SELECT bucket, sum(quantity) AS units_shipped
      FROM (
        SELECT ${bucketOf('s.shipped_at', query.granularity)} AS bucket, s.quantity FROM ${this.tables.shipmentLines} s
        WHERE s.shipped_at >= :from AND s.shipped_at < :to
          AND (:warehouseId::text IS NULL OR s.warehouse_id = :warehouseId)
          AND (:channel::text IS NULL OR s.channel = :channel)
          AND (:sku::text IS NULL OR s.sku = :sku)
      ) shipped
      GROUP BY GROUPING SETS ((bucket), ())`;
  }

  private returnsSql(query: KpiQuery): string {
    return `SELECT bucket, sum(units) AS units_returned, count(*) FILTER (WHERE status = 'REJECTED') AS returns_rejected
      FROM (
        SELECT ${bucketOf('r.requested_at', query.granularity)} AS bucket, r.status, sum(rl.authorized_quantity) AS units
        FROM ${this.tables.returns} r JOIN ${this.tables.returnLines} rl ON rl.return_id = r.return_id
          LEFT JOIN ${this.tables.orders} o ON o.order_id = r.order_id
        WHERE r.requested_at >= :from AND r.requested_at < :to
          AND (:warehouseId::text IS NULL OR coalesce(o.warehouse_id, r.order_warehouse_id) = :warehouseId)
          AND (:channel::text IS NULL OR coalesce(o.channel, r.channel) = :channel)
          AND (:sku::text IS NULL OR rl.sku = :sku)
        GROUP BY r.return_id
      ) per_return
      GROUP BY GROUPING SETS ((bucket), ())`;
  }

  private inspectionsSql(query: KpiQuery): string {
    return `SELECT bucket, sum(units) AS units_inspected, sum(restocked) AS units_restocked,
        sum(recovered) AS recovered_value_minor, sum(value) AS inspected_value_minor,
        avg(hours)::float8 AS processing_hours
      FROM (
        SELECT ${bucketOf('i.inspected_at', query.granularity)} AS bucket, sum(il.quantity) AS units,
          coalesce(sum(il.quantity) FILTER (WHERE il.disposition = 'RESTOCK'), 0) AS restocked,
          sum(il.recovered_value_minor) AS recovered, sum(il.quantity * il.unit_price_minor) AS value,
          EXTRACT(EPOCH FROM (i.inspected_at - r.first_received_at)) / 3600 AS hours
        FROM ${this.tables.inspections} i
          JOIN ${this.tables.inspectionLines} il ON il.inspection_id = i.inspection_id
          LEFT JOIN ${this.tables.returns} r ON r.return_id = i.return_id
          LEFT JOIN ${this.tables.orders} o ON o.order_id = r.order_id
        WHERE i.inspected_at >= :from AND i.inspected_at < :to
          AND (:warehouseId::text IS NULL OR i.warehouse_id = :warehouseId)
          AND (:channel::text IS NULL OR coalesce(o.channel, r.channel) = :channel)
          AND (:sku::text IS NULL OR il.sku = :sku)
        GROUP BY i.inspection_id, r.first_received_at
      ) per_inspection
      GROUP BY GROUPING SETS ((bucket), ())`;
  }

  private cycleCountsSql(query: KpiQuery): string {
    return `SELECT bucket, count(*) AS cycle_counts, count(*) FILTER (WHERE accurate) AS accurate
      FROM (
        SELECT ${bucketOf('c.counted_at', query.granularity)} AS bucket, c.accurate FROM ${this.tables.cycleCounts} c
        WHERE c.counted_at >= :from AND c.counted_at < :to
          AND (:warehouseId::text IS NULL OR c.warehouse_id = :warehouseId)
          AND (:sku::text IS NULL OR c.sku = :sku)
      ) counts
      GROUP BY GROUPING SETS ((bucket), ())`;
  }
}

const BUCKET_STRIDES: Readonly<Record<Exclude<Granularity, 'month'>, string>> = {
  hour: '1 hour',
  day: '1 day',
  week: '7 days',
};

/**
 * The aligned UTC start of the bucket of `column` (a timestamptz). `date_bin` is plain arithmetic on
 * the instant (no time-zone conversion), from an origin that is a Monday, so weeks start on Monday;
 * months use `date_trunc` in UTC.
 */
function bucketOf(column: string, granularity: Granularity): string {
  if (granularity === 'month')
    return `(date_trunc('month', ${column} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;
  return `date_bin('${BUCKET_STRIDES[granularity]}', ${column}, timestamptz '2000-01-03T00:00:00Z')`;
}

function applyPlaced(row: Row, counts: KpiCounts): void {
  counts.ordersPlaced = num(row.orders_placed);
  counts.unitsOrdered = num(row.units_ordered);
  counts.orderValueMinor = num(row.order_value_minor);
  counts.ordersPlacedNowCancelled = num(row.placed_now_cancelled);
  counts.ordersPlacedBackordered = num(row.placed_backordered);
  counts.orderLines = num(row.order_lines);
  counts.orderLinesFilledAtFirstAttempt = num(row.filled_lines);
}

function applyShippedOrders(row: Row, counts: KpiCounts): void {
  counts.ordersShipped = num(row.orders_shipped);
  counts.ordersShippedOnTime = num(row.on_time);
  counts.ordersShippedPerfect = num(row.perfect);
  counts.cycleTimeHours = {
    avg: numOrNull(row.avg_hours),
    p50: numOrNull(row.p50_hours),
    p90: numOrNull(row.p90_hours),
  };
}

function applyReturns(row: Row, counts: KpiCounts): void {
  counts.unitsReturned = num(row.units_returned);
  counts.returnsRejected = num(row.returns_rejected);
}

function applyInspections(row: Row, counts: KpiCounts): void {
  counts.unitsInspected = num(row.units_inspected);
  counts.unitsRestocked = num(row.units_restocked);
  counts.recoveredValueMinor = num(row.recovered_value_minor);
  counts.inspectedValueMinor = num(row.inspected_value_minor);
  counts.returnProcessingHours = numOrNull(row.processing_hours);
}

function applyCycleCounts(row: Row, counts: KpiCounts): void {
  counts.cycleCounts = num(row.cycle_counts);
  counts.cycleCountsAccurate = num(row.accurate);
}
