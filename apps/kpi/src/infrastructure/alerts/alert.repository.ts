import type { AlertKind, AlertSeverity } from '@opsline/contracts';
import type { EntityManager } from 'typeorm';
import type { AlertPolicy, AlertRecord } from '../../domain/alerts/alert';
import type { AlertTransitions } from '../../domain/alerts/alert-diff';
import type {
  AlertInputs,
  OpenReturn,
  ShipmentRoute,
  StockPosition,
  UnshippedOrder,
} from '../../domain/alerts/alert-rules';
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

/**
 * At most this many rows per rule family in one evaluation (raise candidates, and open alerts to
 * re-check, each): what an evaluation holds in memory stays bounded however many alerts are open or
 * how long the history is (the filtering is the database's); a larger backlog is worked off over
 * the next evaluations, oldest first.
 */
export const ALERT_CANDIDATES_PER_RULE = 1_000;

/** What one evaluation looks at: the subjects whose alert may change now, with their facts. */
export interface AlertCandidates {
  /** Facts of the subjects to decide on (the rules decide); `watchingSince` is the caller's. */
  readonly inputs: Omit<AlertInputs, 'watchingSince'>;
  /** Open alerts whose condition may be gone; their subjects' facts are in `inputs`, if any are left. */
  readonly openToRecheck: readonly AlertRecord[];
}

interface OrderRow {
  order_id: string;
  warehouse_id: string | null;
  promised_ship_by: Date;
  status: string;
  complete: boolean;
}
interface ReturnRow {
  return_id: string;
  order_id: string;
  order_warehouse_id: string | null;
  status: string;
  requested_at: Date;
}
interface PositionRow {
  warehouse_id: string;
  sku: string;
  available: number;
  reorder_point: number | null;
}
interface ShipmentRow {
  order_id: string;
  shipment_id: string;
  warehouse_id: string;
  shipped_at: Date;
  allocated: string[];
}

const toOrder = (row: OrderRow): UnshippedOrder => ({
  orderId: row.order_id,
  warehouseId: row.warehouse_id,
  promisedShipBy: iso(row.promised_ship_by) as string,
  status: row.status,
  complete: row.complete,
});
const toReturn = (row: ReturnRow): OpenReturn => ({
  returnId: row.return_id,
  orderId: row.order_id,
  warehouseId: row.order_warehouse_id,
  status: row.status,
  requestedAt: iso(row.requested_at) as string,
});
const toPosition = (row: PositionRow): StockPosition => ({
  warehouseId: row.warehouse_id,
  sku: row.sku,
  available: row.available,
  reorderPoint: row.reorder_point,
});
const toShipment = (row: ShipmentRow): ShipmentRoute => ({
  orderId: row.order_id,
  shipmentId: row.shipment_id,
  warehouseId: row.warehouse_id,
  shippedAt: iso(row.shipped_at) as string,
  allocatedWarehouseIds: row.allocated,
});

/** The order alert's kind that an unshipped order due at `o.promised_ship_by` would have at $2 (now). */
const ORDER_KIND_NOW = `CASE WHEN o.promised_ship_by <= $2 THEN 'order-overdue' ELSE 'order-at-risk' END`;
const ORDER_COLUMNS = 'o.order_id, o.warehouse_id, o.promised_ship_by, o.status, o.complete';
const RETURN_COLUMNS = 'r.return_id, r.order_id, r.order_warehouse_id, r.status, r.requested_at';
const POSITION_COLUMNS = 'p.warehouse_id, p.sku, p.available, p.reorder_point';
const SHIPMENT_COLUMNS = `s.order_id, s.shipment_id, s.warehouse_id, s.shipped_at,
  array(SELECT al.warehouse_id FROM ${t.allocations} al WHERE al.order_id = s.order_id ORDER BY 1) AS allocated`;
/** Whether no allocation of the order of the shipment row `alias` names the shipment's warehouse. */
const misroutedAt = (alias: string): string =>
  `NOT EXISTS (SELECT 1 FROM ${t.allocations} al WHERE al.order_id = ${alias}.order_id AND al.warehouse_id = ${alias}.warehouse_id)`;
const MISROUTED = misroutedAt('s');
/**
 * A shipment being recorded (`k`) is flagged `misrouted` by the allocations known then. A flag can
 * only be stale as true (an allocation committed concurrently), and the evaluation re-tests flagged
 * rows with {@link MISROUTED}, so a stale flag never raises an alert.
 */
const MISROUTED_AS_RECORDED = misroutedAt('k');

/** SQL of the alerts: the evaluator's inputs (from the live facts and the alerts' own tables) and its writes. */
export class AlertRepository {
  constructor(private readonly candidatesPerRule: number = ALERT_CANDIDATES_PER_RULE) {}

  /**
   * What one evaluation decides on, narrowed in SQL by the same thresholds (the rules decide): per
   * rule, the subjects whose condition holds and that have no open alert of that kind (to raise), and
   * the open alerts whose condition no longer holds (to resolve), each at most `candidatesPerRule`.
   * An open alert whose condition still holds is not read at all: no change, no work. Warehouse feeds
   * (one row per warehouse) are always read whole, since silence also depends on `watchingSince`.
   */
  async loadCandidates(
    manager: EntityManager,
    facts: KpiTables,
    now: Date,
    policy: AlertPolicy,
  ): Promise<AlertCandidates> {
    const limit = this.candidatesPerRule;
    const nowIso = now.toISOString();
    const atRiskFrom = new Date(now.getTime() + policy.orderAtRiskHours * 3_600_000).toISOString();
    const requestedBefore = new Date(now.getTime() - policy.returnAgeingHours * 3_600_000).toISOString();
    const openOf = (kinds: string): string => `a.resolved_at IS NULL AND a.kind IN (${kinds})`;

    const orders: OrderRow[] = await manager.query(
      `SELECT ${ORDER_COLUMNS} FROM ${facts.orders} o
         WHERE NOT o.complete AND o.status NOT IN ('SHIPPED', 'CANCELLED') AND o.promised_ship_by <= $1
           AND NOT EXISTS (SELECT 1 FROM ${t.alerts} a WHERE a.resolved_at IS NULL
                             AND a.order_id = o.order_id AND a.kind = ${ORDER_KIND_NOW})
         ORDER BY o.promised_ship_by, o.order_id LIMIT $3`,
      [atRiskFrom, nowIso, limit],
    );
    const openOrders: AlertRow[] = await manager.query(
      `SELECT a.* FROM ${t.alerts} a LEFT JOIN ${facts.orders} o ON o.order_id = a.order_id
         WHERE ${openOf(`'order-at-risk', 'order-overdue'`)}
           AND (o.order_id IS NULL OR o.complete OR o.status IN ('SHIPPED', 'CANCELLED')
                OR o.promised_ship_by > $1 OR a.kind <> ${ORDER_KIND_NOW})
         ORDER BY a.raised_at, a.alert_id LIMIT $3`,
      [atRiskFrom, nowIso, limit],
    );
    const returns: ReturnRow[] = await manager.query(
      `SELECT ${RETURN_COLUMNS} FROM ${facts.returns} r
         WHERE r.status IN ('AUTHORIZED', 'RECEIVED') AND r.requested_at < $1
           AND NOT EXISTS (SELECT 1 FROM ${t.alerts} a WHERE ${openOf(`'return-ageing'`)} AND a.return_id = r.return_id)
         ORDER BY r.requested_at, r.return_id LIMIT $2`,
      [requestedBefore, limit],
    );
    const openReturns: AlertRow[] = await manager.query(
      `SELECT a.* FROM ${t.alerts} a LEFT JOIN ${facts.returns} r ON r.return_id = a.return_id
         WHERE ${openOf(`'return-ageing'`)}
           AND (r.return_id IS NULL OR r.status NOT IN ('AUTHORIZED', 'RECEIVED') OR r.requested_at >= $1)
         ORDER BY a.raised_at, a.alert_id LIMIT $2`,
      [requestedBefore, limit],
    );
    const positions: PositionRow[] = await manager.query(
      `SELECT ${POSITION_COLUMNS} FROM ${facts.positions} p
         WHERE p.reorder_point IS NOT NULL AND p.available < p.reorder_point
           AND NOT EXISTS (SELECT 1 FROM ${t.alerts} a WHERE ${openOf(`'stock-below-reorder-point'`)}
                             AND a.warehouse_id = p.warehouse_id AND a.sku = p.sku)
         ORDER BY p.warehouse_id, p.sku LIMIT $1`,
      [limit],
    );
    const openPositions: AlertRow[] = await manager.query(
      `SELECT a.* FROM ${t.alerts} a
         LEFT JOIN ${facts.positions} p ON p.warehouse_id = a.warehouse_id AND p.sku = a.sku
         WHERE ${openOf(`'stock-below-reorder-point'`)}
           AND (p.sku IS NULL OR p.reorder_point IS NULL OR p.available >= p.reorder_point)
         ORDER BY a.raised_at, a.alert_id LIMIT $1`,
      [limit],
    );
    const shipments: ShipmentRow[] = await manager.query(
      `SELECT ${SHIPMENT_COLUMNS} FROM ${t.shipments} s
         WHERE s.misrouted AND ${MISROUTED}
           AND NOT EXISTS (SELECT 1 FROM ${t.alerts} a WHERE ${openOf(`'shipment-misrouted'`)}
                             AND a.order_id = s.order_id AND a.shipment_id = s.shipment_id)
         ORDER BY s.shipped_at, s.order_id, s.shipment_id LIMIT $1`,
      [limit],
    );
    const openShipments: AlertRow[] = await manager.query(
      `SELECT a.* FROM ${t.alerts} a
         LEFT JOIN ${t.shipments} s ON s.order_id = a.order_id AND s.shipment_id = a.shipment_id
         WHERE ${openOf(`'shipment-misrouted'`)} AND (s.order_id IS NULL OR NOT ${MISROUTED})
         ORDER BY a.raised_at, a.alert_id LIMIT $1`,
      [limit],
    );
    const feeds: { warehouse_id: string; last_heard_at: Date; last_event_type: string }[] =
      await manager.query(
        `SELECT warehouse_id, last_heard_at, last_event_type FROM ${t.feeds} ORDER BY warehouse_id LIMIT $1`,
        [limit],
      );
    const openFeeds: AlertRow[] = await manager.query(
      `SELECT a.* FROM ${t.alerts} a WHERE ${openOf(`'warehouse-feed-silent'`)}
         ORDER BY a.raised_at, a.alert_id LIMIT $1`,
      [limit],
    );

    // The facts of the re-checked alerts' subjects, unfiltered: the rules decide whether they still hold.
    const recheckOrders: OrderRow[] = await manager.query(
      `SELECT ${ORDER_COLUMNS} FROM ${facts.orders} o WHERE o.order_id = ANY($1)`,
      [openOrders.map((a) => a.order_id)],
    );
    const recheckReturns: ReturnRow[] = await manager.query(
      `SELECT ${RETURN_COLUMNS} FROM ${facts.returns} r WHERE r.return_id = ANY($1)`,
      [openReturns.map((a) => a.return_id)],
    );
    const recheckPositions: PositionRow[] = await manager.query(
      `SELECT ${POSITION_COLUMNS} FROM ${facts.positions} p
         JOIN unnest($1::text[], $2::text[]) AS k(warehouse_id, sku) ON k.warehouse_id = p.warehouse_id AND k.sku = p.sku`,
      [openPositions.map((a) => a.warehouse_id), openPositions.map((a) => a.sku)],
    );
    const recheckShipments: ShipmentRow[] = await manager.query(
      `SELECT ${SHIPMENT_COLUMNS} FROM ${t.shipments} s
         JOIN unnest($1::text[], $2::text[]) AS k(order_id, shipment_id)
           ON k.order_id = s.order_id AND k.shipment_id = s.shipment_id`,
      [openShipments.map((a) => a.order_id), openShipments.map((a) => a.shipment_id)],
    );
    return {
      inputs: {
        orders: [...orders, ...recheckOrders].map(toOrder),
        returns: [...returns, ...recheckReturns].map(toReturn),
        positions: [...positions, ...recheckPositions].map(toPosition),
        feeds: feeds.map((row) => ({
          warehouseId: row.warehouse_id,
          lastHeardAt: iso(row.last_heard_at) as string,
          lastEventType: row.last_event_type,
        })),
        shipments: [...shipments, ...recheckShipments].map(toShipment),
      },
      openToRecheck: [...openOrders, ...openReturns, ...openPositions, ...openShipments, ...openFeeds].map(
        toRecord,
      ),
    };
  }

  /** Serializes evaluations across instances (held until the transaction ends). */
  async lockEvaluation(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('opsline-kpi-alert-evaluation'))`);
  }

  /** The open occurrences of `alertIds` (at most one each). */
  async openAlertsOf(manager: EntityManager, alertIds: readonly string[]): Promise<AlertRecord[]> {
    if (alertIds.length === 0) return [];
    const rows: AlertRow[] = await manager.query(
      `SELECT * FROM ${t.alerts} WHERE resolved_at IS NULL AND alert_id = ANY($1)`,
      [alertIds],
    );
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
    // The order's shipments from an allocated warehouse were not misrouted after all.
    await manager.query(
      `WITH recorded AS (
         INSERT INTO ${t.allocations} (order_id, warehouse_id)
         SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING
       )
       UPDATE ${t.shipments} s SET misrouted = false
         FROM unnest($1::text[], $2::text[]) AS k(order_id, warehouse_id)
         WHERE s.misrouted AND s.order_id = k.order_id AND s.warehouse_id = k.warehouse_id`,
      [allocations.map((a) => a.orderId), allocations.map((a) => a.warehouseId)],
    );
  }

  async recordShipments(
    manager: EntityManager,
    shipments: readonly { orderId: string; shipmentId: string; warehouseId: string; shippedAt: string }[],
  ): Promise<void> {
    if (shipments.length === 0) return;
    await manager.query(
      `INSERT INTO ${t.shipments} (order_id, shipment_id, warehouse_id, shipped_at, misrouted)
       SELECT k.*, ${MISROUTED_AS_RECORDED}
         FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS k(order_id, shipment_id, warehouse_id, shipped_at)
       ON CONFLICT DO NOTHING`,
      [
        shipments.map((s) => s.orderId),
        shipments.map((s) => s.shipmentId),
        shipments.map((s) => s.warehouseId),
        shipments.map((s) => s.shippedAt),
      ],
    );
  }
}
