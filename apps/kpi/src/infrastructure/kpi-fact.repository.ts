import { arrayLiteral } from '@opsline/persistence';
import type { EntityManager } from 'typeorm';
import type { OrderFactChange, OrderProjection, ReturnProjection } from '../domain/fact-projection';
import type {
  CycleCountFact,
  InspectionFact,
  InspectionLineFact,
  OrderLineFact,
  PositionFact,
  ReturnFact,
  ReturnLineFact,
  ShipmentLineFact,
} from '../domain/kpi-facts';
import { Column, firstPerKey, insertRows, lastPerKey, updateAllExcept } from './bulk-upsert';
import { KpiTables } from './kpi-tables';

/**
 * An order row: the fact, its cancellation time (an event that does not state one keeps the one
 * before), and a summary of all its lines (the unfiltered placedAt metrics read only the row).
 */
interface OrderRow {
  readonly fact: OrderFactChange;
  readonly cancelledAt: string | undefined;
  readonly unitsOrdered: number;
  readonly orderValueMinor: number;
  readonly lineCount: number;
  readonly linesFilledAtFirstAttempt: number;
  /** (last shipment − placedAt) in hours, as the reference computes it (percentiles run over it). */
  readonly cycleTimeHours: number | null;
}

function orderRow({ order, lines }: OrderProjection): OrderRow {
  let unitsOrdered = 0;
  let orderValueMinor = 0;
  let linesFilledAtFirstAttempt = 0;
  for (const line of lines) {
    unitsOrdered += line.quantity;
    orderValueMinor += line.quantity * line.unitPriceMinor;
    if (line.reservedAtFirstAttempt !== null && line.reservedAtFirstAttempt >= line.quantity)
      linesFilledAtFirstAttempt++;
  }
  return {
    fact: order,
    cancelledAt: order.cancelledAt,
    unitsOrdered,
    orderValueMinor,
    lineCount: lines.length,
    linesFilledAtFirstAttempt,
    cycleTimeHours:
      order.lastShipmentAt === null
        ? null
        : (Date.parse(order.lastShipmentAt) - Date.parse(order.placedAt)) / 3_600_000,
  };
}

const ORDER_COLUMNS: readonly Column<OrderRow>[] = [
  { name: 'order_id', type: 'text', value: (o) => o.fact.orderId },
  { name: 'channel', type: 'text', value: (o) => o.fact.channel },
  { name: 'warehouse_id', type: 'text', value: (o) => o.fact.warehouseId },
  { name: 'placed_at', type: 'timestamptz', value: (o) => o.fact.placedAt },
  { name: 'promised_ship_by', type: 'timestamptz', value: (o) => o.fact.promisedShipBy },
  { name: 'status', type: 'text', value: (o) => o.fact.status },
  { name: 'cancelled_at', type: 'timestamptz', value: (o) => o.cancelledAt ?? null },
  { name: 'complete', type: 'boolean', value: (o) => o.fact.complete },
  { name: 'last_shipment_at', type: 'timestamptz', value: (o) => o.fact.lastShipmentAt },
  { name: 'shipment_count', type: 'int', value: (o) => o.fact.shipmentCount },
  { name: 'backordered_at_first_attempt', type: 'boolean', value: (o) => o.fact.backorderedAtFirstAttempt },
  { name: 'units_ordered', type: 'int', value: (o) => o.unitsOrdered },
  { name: 'order_value_minor', type: 'bigint', value: (o) => o.orderValueMinor },
  { name: 'line_count', type: 'int', value: (o) => o.lineCount },
  { name: 'lines_filled_at_first_attempt', type: 'int', value: (o) => o.linesFilledAtFirstAttempt },
  { name: 'cycle_time_hours', type: 'float8', value: (o) => o.cycleTimeHours },
];

const ORDER_LINE_COLUMNS: readonly Column<OrderLineFact>[] = [
  { name: 'order_id', type: 'text', value: (l) => l.orderId },
  { name: 'line_id', type: 'text', value: (l) => l.lineId },
  { name: 'sku', type: 'text', value: (l) => l.sku },
  { name: 'quantity', type: 'int', value: (l) => l.quantity },
  { name: 'unit_price_minor', type: 'bigint', value: (l) => l.unitPriceMinor },
  { name: 'reserved_at_first_attempt', type: 'int', value: (l) => l.reservedAtFirstAttempt },
  { name: 'shipped_quantity', type: 'int', value: (l) => l.shippedQuantity },
  { name: 'cancelled_quantity', type: 'int', value: (l) => l.cancelledQuantity },
];

const SHIPMENT_LINE_COLUMNS: readonly Column<ShipmentLineFact>[] = [
  { name: 'order_id', type: 'text', value: (l) => l.orderId },
  { name: 'shipment_id', type: 'text', value: (l) => l.shipmentId },
  { name: 'line_no', type: 'int', value: (l) => l.lineNo },
  { name: 'line_id', type: 'text', value: (l) => l.lineId },
  { name: 'sku', type: 'text', value: (l) => l.sku },
  { name: 'quantity', type: 'int', value: (l) => l.quantity },
  { name: 'warehouse_id', type: 'text', value: (l) => l.warehouseId },
  { name: 'channel', type: 'text', value: (l) => l.channel },
  { name: 'shipped_at', type: 'timestamptz', value: (l) => l.shippedAt },
];

const RETURN_COLUMNS: readonly Column<ReturnFact>[] = [
  { name: 'return_id', type: 'text', value: (r) => r.returnId },
  { name: 'order_id', type: 'text', value: (r) => r.orderId },
  { name: 'channel', type: 'text', value: (r) => r.channel },
  { name: 'order_warehouse_id', type: 'text', value: (r) => r.orderWarehouseId },
  { name: 'requested_at', type: 'timestamptz', value: (r) => r.requestedAt },
  { name: 'status', type: 'text', value: (r) => r.status },
  { name: 'first_received_at', type: 'timestamptz', value: (r) => r.firstReceivedAt },
];

const RETURN_LINE_COLUMNS: readonly Column<ReturnLineFact>[] = [
  { name: 'return_id', type: 'text', value: (l) => l.returnId },
  { name: 'line_id', type: 'text', value: (l) => l.lineId },
  { name: 'sku', type: 'text', value: (l) => l.sku },
  { name: 'quantity', type: 'int', value: (l) => l.quantity },
  { name: 'reason_code', type: 'text', value: (l) => l.reasonCode },
  { name: 'authorized_quantity', type: 'int', value: (l) => l.authorizedQuantity },
];

const INSPECTION_COLUMNS: readonly Column<InspectionFact>[] = [
  { name: 'inspection_id', type: 'text', value: (i) => i.inspectionId },
  { name: 'return_id', type: 'text', value: (i) => i.returnId },
  { name: 'warehouse_id', type: 'text', value: (i) => i.warehouseId },
  { name: 'inspected_at', type: 'timestamptz', value: (i) => i.inspectedAt },
];

const INSPECTION_LINE_COLUMNS: readonly Column<InspectionLineFact>[] = [
  { name: 'inspection_id', type: 'text', value: (l) => l.inspectionId },
  { name: 'line_no', type: 'int', value: (l) => l.lineNo },
  { name: 'return_id', type: 'text', value: (l) => l.returnId },
  { name: 'sku', type: 'text', value: (l) => l.sku },
  { name: 'quantity', type: 'int', value: (l) => l.quantity },
  { name: 'disposition', type: 'text', value: (l) => l.disposition },
  { name: 'recovered_value_minor', type: 'bigint', value: (l) => l.recoveredValueMinor },
  { name: 'unit_price_minor', type: 'bigint', value: (l) => l.unitPriceMinor },
];

const CYCLE_COUNT_COLUMNS: readonly Column<CycleCountFact>[] = [
  { name: 'count_id', type: 'text', value: (c) => c.countId },
  { name: 'warehouse_id', type: 'text', value: (c) => c.warehouseId },
  { name: 'sku', type: 'text', value: (c) => c.sku },
  { name: 'counted_at', type: 'timestamptz', value: (c) => c.countedAt },
  { name: 'accurate', type: 'boolean', value: (c) => c.accurate },
];

const POSITION_COLUMNS: readonly Column<PositionFact>[] = [
  { name: 'warehouse_id', type: 'text', value: (p) => p.warehouseId },
  { name: 'sku', type: 'text', value: (p) => p.sku },
  { name: 'on_hand', type: 'int', value: (p) => p.onHand },
  { name: 'reserved', type: 'int', value: (p) => p.reserved },
  { name: 'available', type: 'int', value: (p) => p.available },
  { name: 'backordered', type: 'int', value: (p) => p.backordered },
  { name: 'reorder_point', type: 'int', value: (p) => p.reorderPoint },
  { name: 'changed_at', type: 'timestamptz', value: (p) => p.changedAt },
];

const orderLineKey = (l: OrderLineFact): string => `${l.orderId}\u0000${l.lineId}`;

/**
 * Writes projected facts in the consumer's transaction, one multi-row statement per table. Snapshots
 * (orders, returns, counts, positions) are upserted newest-wins; shipment and inspection lines are
 * facts inserted once. A redelivered or replayed event therefore changes nothing. One instance per
 * read-model version: the live consumer and a rebuild write the same way into their own schema.
 */
/** The partition a run of events was consumed from. */
export interface SourcePartition {
  readonly topic: string;
  readonly partition: number;
}

export class KpiFactRepository {
  constructor(private readonly tables: KpiTables) {}

  /** order-placed: never overwrites a snapshot already heard. */
  async insertPlacedOrders(manager: EntityManager, projections: readonly OrderProjection[]): Promise<void> {
    const orders = firstPerKey(projections.map(orderRow), (o) => o.fact.orderId);
    await insertRows(manager, this.tables.orders, ORDER_COLUMNS, orders, 'ON CONFLICT (order_id) DO NOTHING');
    const lines = firstPerKey(
      projections.flatMap((p) => p.lines),
      orderLineKey,
    );
    await insertRows(
      manager,
      this.tables.orderLines,
      ORDER_LINE_COLUMNS,
      lines,
      'ON CONFLICT (order_id, line_id) DO NOTHING',
    );
  }

  /** Lifecycle events: the newest snapshot wins; a cancellation time is kept until another is stated. */
  async upsertOrderSnapshots(manager: EntityManager, projections: readonly OrderProjection[]): Promise<void> {
    const merged = new Map<string, OrderRow>();
    for (const order of projections.map(orderRow)) {
      const cancelledAt = order.cancelledAt ?? merged.get(order.fact.orderId)?.cancelledAt;
      merged.set(order.fact.orderId, cancelledAt === order.cancelledAt ? order : { ...order, cancelledAt });
    }
    const update = updateAllExcept(ORDER_COLUMNS, ['order_id']).replace(
      'cancelled_at = EXCLUDED.cancelled_at',
      `cancelled_at = COALESCE(EXCLUDED.cancelled_at, ${this.tables.orders}.cancelled_at)`,
    );
    await insertRows(manager, this.tables.orders, ORDER_COLUMNS, [...merged.values()], update);
    await insertRows(
      manager,
      this.tables.orderLines,
      ORDER_LINE_COLUMNS,
      lastPerKey(
        projections.flatMap((p) => p.lines),
        orderLineKey,
      ),
      updateAllExcept(ORDER_LINE_COLUMNS, ['order_id', 'line_id']),
    );
    await insertRows(
      manager,
      this.tables.shipmentLines,
      SHIPMENT_LINE_COLUMNS,
      firstPerKey(
        projections.flatMap((p) => p.shipmentLines),
        (l) => `${l.orderId}\u0000${l.shipmentId}\u0000${l.lineNo}`,
      ),
      'ON CONFLICT (order_id, shipment_id, line_no) DO NOTHING',
    );
  }

  async upsertReturns(manager: EntityManager, projections: readonly ReturnProjection[]): Promise<void> {
    await insertRows(
      manager,
      this.tables.returns,
      RETURN_COLUMNS,
      lastPerKey(
        projections.map((p) => p.returnFact),
        (r) => r.returnId,
      ),
      updateAllExcept(RETURN_COLUMNS, ['return_id']),
    );
    await insertRows(
      manager,
      this.tables.returnLines,
      RETURN_LINE_COLUMNS,
      lastPerKey(
        projections.flatMap((p) => p.lines),
        (l) => `${l.returnId}\u0000${l.lineId}`,
      ),
      updateAllExcept(RETURN_LINE_COLUMNS, ['return_id', 'line_id']),
    );
    const inspections = projections.flatMap((p) => (p.inspection === null ? [] : [p.inspection]));
    await insertRows(
      manager,
      this.tables.inspections,
      INSPECTION_COLUMNS,
      firstPerKey(inspections, (i) => i.inspectionId),
      'ON CONFLICT (inspection_id) DO NOTHING',
    );
    await insertRows(
      manager,
      this.tables.inspectionLines,
      INSPECTION_LINE_COLUMNS,
      firstPerKey(
        projections.flatMap((p) => p.inspectionLines),
        (l) => `${l.inspectionId}\u0000${l.lineNo}`,
      ),
      'ON CONFLICT (inspection_id, line_no) DO NOTHING',
    );
  }

  async upsertCycleCounts(manager: EntityManager, counts: readonly CycleCountFact[]): Promise<void> {
    await insertRows(
      manager,
      this.tables.cycleCounts,
      CYCLE_COUNT_COLUMNS,
      lastPerKey(counts, (c) => c.countId),
      updateAllExcept(CYCLE_COUNT_COLUMNS, ['count_id']),
    );
  }

  async upsertPositions(manager: EntityManager, positions: readonly PositionFact[]): Promise<void> {
    await insertRows(
      manager,
      this.tables.positions,
      POSITION_COLUMNS,
      lastPerKey(positions, (p) => `${p.warehouseId}\u0000${p.sku}`),
      updateAllExcept(POSITION_COLUMNS, ['warehouse_id', 'sku']),
    );
  }

  /** Last shipment times of those of `orderIds` that are complete (whose perfect-order bucket a return can change). */
  async lastShipmentTimesOf(manager: EntityManager, orderIds: readonly string[]): Promise<string[]> {
    const rows = (await manager.query(
      `SELECT last_shipment_at FROM ${this.tables.orders} WHERE order_id = ANY($1::text[]) AND complete`,
      [arrayLiteral([...new Set(orderIds)])],
    )) as { last_shipment_at: Date }[];
    return rows.map((row) => row.last_shipment_at.toISOString());
  }

  /** Changes logged after `afterId`, oldest first (the `GET /kpis/stream` feed). */
  async changesAfter(
    manager: EntityManager,
    afterId: number,
    limit: number,
  ): Promise<{ id: number; fact: string; times: string[] }[]> {
    const rows = (await manager.query(
      `SELECT id, fact, bucket_times FROM ${this.tables.changes} WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    )) as { id: string; fact: string; bucket_times: Date[] }[];
    return rows.map((row) => ({
      id: Number(row.id),
      fact: row.fact,
      times: row.bucket_times.map((time) => time.toISOString()),
    }));
  }

  /**
   * Deletes the oldest changes recorded before `cutoff`, at most `limit` of them, and leaves a
   * `marker` row with the id of the newest one deleted, so a stream resumed from before it learns
   * that changes are missing. Walks the log in id order from its start, so a run costs what it
   * deletes, not the log's size. Returns the marker's id, or null when nothing was old enough.
   */
  async pruneChanges(
    manager: EntityManager,
    cutoff: string,
    marker: string,
    limit: number,
  ): Promise<number | null> {
    const rows = (await manager.query(
      `SELECT max(id) AS through FROM (
         SELECT id, fact, recorded_at FROM ${this.tables.changes} ORDER BY id LIMIT $2
       ) oldest WHERE recorded_at < $1 AND fact <> $3`,
      [cutoff, limit, marker],
    )) as { through: string | null }[];
    if (rows[0].through === null) return null;
    const through = Number(rows[0].through);
    await manager.query(`DELETE FROM ${this.tables.changes} WHERE id <= $1`, [through]);
    await manager.query(`INSERT INTO ${this.tables.changes} (id, fact, bucket_times) VALUES ($1, $2, '{}')`, [
      through,
      marker,
    ]);
    return through;
  }

  async newestChangeId(manager: EntityManager): Promise<number> {
    const rows = (await manager.query(`SELECT coalesce(max(id), 0) AS id FROM ${this.tables.changes}`)) as {
      id: string;
    }[];
    return Number(rows[0].id);
  }

  /**
   * Remembers the newest business time applied per topic partition (`freshness.newestEventTime`) and logs
   * which business times the facts changed at (the change feed of `GET /kpis/stream`).
   */
  async recordApplied(
    manager: EntityManager,
    source: SourcePartition,
    fact: string,
    eventTimes: readonly string[],
    changedTimes: readonly string[],
  ): Promise<void> {
    if (eventTimes.length === 0) return;
    const newest = eventTimes.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
    // One row per partition: partitions are applied concurrently, and a row per topic made their
    // transactions wait for each other's commit on its lock.
    await manager.query(
      `INSERT INTO ${this.tables.topicFreshness} (topic, partition, newest_event_time) VALUES ($1, $2, $3)
       ON CONFLICT (topic, partition) DO UPDATE SET newest_event_time =
         GREATEST(${this.tables.topicFreshness}.newest_event_time, EXCLUDED.newest_event_time)`,
      [source.topic, source.partition, newest],
    );
    const distinctTimes = [...new Set(changedTimes)];
    if (distinctTimes.length > 0)
      await manager.query(
        `INSERT INTO ${this.tables.changes} (fact, bucket_times) VALUES ($1, $2::timestamptz[])`,
        [fact, arrayLiteral(distinctTimes)],
      );
  }
}
