import type { AlertKind, AlertSeverity } from '@opsline/contracts';
import type { EntityManager } from 'typeorm';
import type { AlertPolicy, AlertRecord } from '../../domain/alerts/alert';
import type { AlertTransitions } from '../../domain/alerts/alert-diff';
import type { AlertInputs } from '../../domain/alerts/alert-rules';
import type { KpiTables } from '../kpi-tables';
import { ALERT_TABLES } from './alert-tables';

const t = ALERT_TABLES;
const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

interface AlertRow {
  alert_id: string;
  occurrence: number;
  kind: AlertKind;
  severity: AlertSeverity;
  warehouse_id: string | null;
  order_id: string | null;
  return_id: string | null;
  sku: string | null;
  shipment_id: string | null;
  summary: string;
  raised_at: Date;
  resolved_at: Date | null;
}

const toRecord = (row: AlertRow): AlertRecord => ({
  alertId: row.alert_id,
  occurrence: row.occurrence,
  kind: row.kind,
  severity: row.severity,
  warehouseId: row.warehouse_id,
  orderId: row.order_id,
  returnId: row.return_id,
  sku: row.sku,
  shipmentId: row.shipment_id,
  summary: row.summary,
  raisedAt: iso(row.raised_at) as string,
  resolvedAt: iso(row.resolved_at),
});

/** What `GET /alerts` asks for; `after` is the sort key of the previous page's last item. */
export interface AlertListQuery {
  readonly status: 'open' | 'resolved' | 'all';
  readonly kind: string | null;
  readonly warehouseId: string | null;
  readonly limit: number;
  readonly after: AlertPageKey | null;
}

/** Alerts are listed newest raised first, then by id and occurrence. */
export interface AlertPageKey {
  readonly raisedAt: string;
  readonly alertId: string;
  readonly occurrence: number;
}

/** One raise or resolution as the stream sends it. */
export interface AlertTransitionRow {
  readonly seq: number;
  readonly transition: 'raised' | 'resolved';
  readonly alert: AlertRecord;
}

/** A warehouse event heard on the feed. */
export interface FeedHeard {
  readonly warehouseId: string;
  readonly heardAt: string;
  readonly eventType: string;
}

/** SQL of the alerts: the evaluator's inputs (from the live facts and the alerts' own tables) and its writes. */
export class AlertRepository {
  /** What the rules look at, narrowed in SQL by the same thresholds (the rules decide). */
  async loadInputs(
    manager: EntityManager,
    facts: KpiTables,
    now: Date,
    policy: AlertPolicy,
  ): Promise<Omit<AlertInputs, 'watchingSince'>> {
    const atRiskFrom = new Date(now.getTime() + policy.orderAtRiskHours * 3_600_000).toISOString();
    const requestedBefore = new Date(now.getTime() - policy.returnAgeingHours * 3_600_000).toISOString();
    const orders: {
      order_id: string;
      warehouse_id: string | null;
      promised_ship_by: Date;
      status: string;
      complete: boolean;
    }[] = await manager.query(
      `SELECT order_id, warehouse_id, promised_ship_by, status, complete FROM ${facts.orders}
         WHERE NOT complete AND status NOT IN ('SHIPPED', 'CANCELLED') AND promised_ship_by <= $1`,
      [atRiskFrom],
    );
    const returns: {
      return_id: string;
      order_id: string;
      order_warehouse_id: string | null;
      status: string;
      requested_at: Date;
    }[] = await manager.query(
      `SELECT return_id, order_id, order_warehouse_id, status, requested_at FROM ${facts.returns}
         WHERE status IN ('AUTHORIZED', 'RECEIVED') AND requested_at < $1`,
      [requestedBefore],
    );
    const positions: {
      warehouse_id: string;
      sku: string;
      available: number;
      reorder_point: number | null;
    }[] = await manager.query(
      `SELECT warehouse_id, sku, available, reorder_point FROM ${facts.positions}
         WHERE reorder_point IS NOT NULL AND available < reorder_point`,
    );
    const feeds: { warehouse_id: string; last_heard_at: Date; last_event_type: string }[] =
      await manager.query(`SELECT warehouse_id, last_heard_at, last_event_type FROM ${t.feeds}`);
    const shipments: {
      order_id: string;
      shipment_id: string;
      warehouse_id: string;
      shipped_at: Date;
      allocated: string[];
    }[] = await manager.query(
      `SELECT s.order_id, s.shipment_id, s.warehouse_id, s.shipped_at,
                array(SELECT a.warehouse_id FROM ${t.allocations} a WHERE a.order_id = s.order_id ORDER BY 1) AS allocated
         FROM ${t.shipments} s
         WHERE NOT EXISTS (SELECT 1 FROM ${t.allocations} a WHERE a.order_id = s.order_id AND a.warehouse_id = s.warehouse_id)`,
    );
    return {
      orders: orders.map((row) => ({
        orderId: row.order_id,
        warehouseId: row.warehouse_id,
        promisedShipBy: iso(row.promised_ship_by) as string,
        status: row.status,
        complete: row.complete,
      })),
      returns: returns.map((row) => ({
        returnId: row.return_id,
        orderId: row.order_id,
        warehouseId: row.order_warehouse_id,
        status: row.status,
        requestedAt: iso(row.requested_at) as string,
      })),
      positions: positions.map((row) => ({
        warehouseId: row.warehouse_id,
        sku: row.sku,
        available: row.available,
        reorderPoint: row.reorder_point,
      })),
      feeds: feeds.map((row) => ({
        warehouseId: row.warehouse_id,
        lastHeardAt: iso(row.last_heard_at) as string,
        lastEventType: row.last_event_type,
      })),
      shipments: shipments.map((row) => ({
        orderId: row.order_id,
        shipmentId: row.shipment_id,
        warehouseId: row.warehouse_id,
        shippedAt: iso(row.shipped_at) as string,
        allocatedWarehouseIds: row.allocated,
      })),
    };
  }

  /** Serializes evaluations across instances (held until the transaction ends). */
  async lockEvaluation(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('opsline-kpi-alert-evaluation'))`);
  }

  async openAlerts(manager: EntityManager): Promise<AlertRecord[]> {
    const rows: AlertRow[] = await manager.query(`SELECT * FROM ${t.alerts} WHERE resolved_at IS NULL`);
    return rows.map(toRecord);
  }

  /** The newest occurrence number of each of `alertIds` ever raised. */
  async lastOccurrences(manager: EntityManager, alertIds: readonly string[]): Promise<Map<string, number>> {
    if (alertIds.length === 0) return new Map();
    const rows: { alert_id: string; occurrence: number }[] = await manager.query(
      `SELECT alert_id, max(occurrence) AS occurrence FROM ${t.alerts} WHERE alert_id = ANY($1) GROUP BY alert_id`,
      [alertIds],
    );
    return new Map(rows.map((row) => [row.alert_id, row.occurrence]));
  }

  /** Writes the raises and resolutions, each also as a transition row (the stream's source). */
  async apply(manager: EntityManager, { raised, resolved }: AlertTransitions): Promise<void> {
    for (const alert of resolved)
      await manager.query(
        `UPDATE ${t.alerts} SET resolved_at = $3 WHERE alert_id = $1 AND occurrence = $2 AND resolved_at IS NULL`,
        [alert.alertId, alert.occurrence, alert.resolvedAt],
      );
    if (raised.length > 0)
      await manager.query(
        `INSERT INTO ${t.alerts} (alert_id, occurrence, kind, severity, warehouse_id, order_id, return_id, sku,
                                  shipment_id, summary, raised_at)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                              $8::text[], $9::text[], $10::text[], $11::timestamptz[])`,
        [
          raised.map((a) => a.alertId),
          raised.map((a) => a.occurrence),
          raised.map((a) => a.kind),
          raised.map((a) => a.severity),
          raised.map((a) => a.warehouseId),
          raised.map((a) => a.orderId),
          raised.map((a) => a.returnId),
          raised.map((a) => a.sku),
          raised.map((a) => a.shipmentId),
          raised.map((a) => a.summary),
          raised.map((a) => a.raisedAt),
        ],
      );
    const transitions = [
      ...resolved.map((alert) => ({ transition: 'resolved', alert })),
      ...raised.map((alert) => ({ transition: 'raised', alert })),
    ];
    if (transitions.length > 0)
      await manager.query(
        `INSERT INTO ${t.transitions} (alert_id, occurrence, transition, warehouse_id, alert)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::jsonb[])`,
        [
          transitions.map((x) => x.alert.alertId),
          transitions.map((x) => x.alert.occurrence),
          transitions.map((x) => x.transition),
          transitions.map((x) => x.alert.warehouseId),
          transitions.map((x) => JSON.stringify(x.alert)),
        ],
      );
  }

  async list(manager: EntityManager, query: AlertListQuery): Promise<AlertRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.status === 'open') where.push('resolved_at IS NULL');
    if (query.status === 'resolved') where.push('resolved_at IS NOT NULL');
    if (query.kind !== null) where.push(`kind = ${param(query.kind)}`);
    if (query.warehouseId !== null) where.push(`warehouse_id = ${param(query.warehouseId)}`);
    if (query.after !== null)
      where.push(
        `(raised_at, alert_id, occurrence) < (${param(query.after.raisedAt)}::timestamptz, ${param(query.after.alertId)}, ${param(query.after.occurrence)}::int)`,
      );
    const rows: AlertRow[] = await manager.query(
      `SELECT * FROM ${t.alerts} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY raised_at DESC, alert_id DESC, occurrence DESC LIMIT ${param(query.limit)}`,
      params,
    );
    return rows.map(toRecord);
  }

  async newestTransitionSeq(manager: EntityManager): Promise<number> {
    const [row]: { seq: string | null }[] = await manager.query(
      `SELECT max(seq) AS seq FROM ${t.transitions}`,
    );
    return Number(row.seq ?? 0);
  }

  /** Transitions after `seq`, oldest first. */
  async transitionsAfter(
    manager: EntityManager,
    seq: number,
    limit: number,
  ): Promise<{ lastSeq: number; transitions: AlertTransitionRow[] }> {
    const rows: { seq: string; transition: 'raised' | 'resolved'; alert: AlertRecord }[] =
      await manager.query(
        `SELECT seq, transition, alert FROM ${t.transitions} WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [seq, limit],
      );
    const lastSeq = rows.length === 0 ? seq : Number(rows[rows.length - 1].seq);
    const transitions = rows.map((row) => ({
      seq: Number(row.seq),
      transition: row.transition,
      alert: row.alert,
    }));
    return { lastSeq, transitions };
  }

  /** Notes warehouse events heard; a later one never moves a feed's time back. */
  async recordFeedsHeard(manager: EntityManager, heard: readonly FeedHeard[]): Promise<void> {
    if (heard.length === 0) return;
    await manager.query(
      `INSERT INTO ${t.feeds} AS f (warehouse_id, last_heard_at, last_event_type)
       SELECT DISTINCT ON (warehouse_id) warehouse_id, heard_at, event_type
       FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS h(warehouse_id, heard_at, event_type)
       ORDER BY warehouse_id, heard_at DESC
       ON CONFLICT (warehouse_id) DO UPDATE SET last_heard_at = excluded.last_heard_at,
         last_event_type = excluded.last_event_type
       WHERE f.last_heard_at <= excluded.last_heard_at`,
      [heard.map((h) => h.warehouseId), heard.map((h) => h.heardAt), heard.map((h) => h.eventType)],
    );
  }

  async recordAllocations(
    manager: EntityManager,
    allocations: readonly { orderId: string; warehouseId: string }[],
  ): Promise<void> {
    if (allocations.length === 0) return;
    await manager.query(
      `INSERT INTO ${t.allocations} (order_id, warehouse_id)
       SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
      [allocations.map((a) => a.orderId), allocations.map((a) => a.warehouseId)],
    );
  }

  async recordShipments(
    manager: EntityManager,
    shipments: readonly { orderId: string; shipmentId: string; warehouseId: string; shippedAt: string }[],
  ): Promise<void> {
    if (shipments.length === 0) return;
    await manager.query(
      `INSERT INTO ${t.shipments} (order_id, shipment_id, warehouse_id, shipped_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ON CONFLICT DO NOTHING`,
      [
        shipments.map((s) => s.orderId),
        shipments.map((s) => s.shipmentId),
        shipments.map((s) => s.warehouseId),
        shipments.map((s) => s.shippedAt),
      ],
    );
  }
}
