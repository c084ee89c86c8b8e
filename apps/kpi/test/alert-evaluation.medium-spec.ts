import { ALERTS_ALERT_RAISED_V1 } from '@opsline/contracts';
import { createMessagingTablesMigration, Outbox } from '@opsline/messaging';
import { createTestDatabase, MigratedTestDatabase } from '@opsline/persistence/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { EvaluateAlertsUseCase } from '../src/application/evaluate-alerts.use-case';
import type { AlertPolicy, Clock } from '../src/domain/alerts/alert';
import type { AlertTransitions } from '../src/domain/alerts/alert-diff';
import { AlertRepository } from '../src/infrastructure/alerts/alert.repository';
import { ALERT_TABLES } from '../src/infrastructure/alerts/alert-tables';
import { KPI_SCHEMA, KpiTables } from '../src/infrastructure/kpi-tables';
import { createKpiFactTablesMigration } from '../src/infrastructure/migrations/1764000000400-create-kpi-facts';
import { CreateAlerts1764000000440 } from '../src/infrastructure/migrations/1764000000440-create-alerts';
import { FlagMisroutedShipments1764000000470 } from '../src/infrastructure/migrations/1764000000470-flag-misrouted-shipments';

jest.setTimeout(60_000);

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-25T10:00:00.000Z');
/** What one evaluation may read per rule here (production: ALERT_CANDIDATES_PER_RULE). */
const PER_RULE = 10;
const POLICY: AlertPolicy = { orderAtRiskHours: 4, returnAgeingHours: 72, warehouseSilenceMinutes: 60 };
const facts = new KpiTables(KPI_SCHEMA);
const t = ALERT_TABLES;

class SteppedClock implements Clock {
  constructor(public at: number) {}
  now(): Date {
    return new Date(this.at);
  }
}

let db: MigratedTestDatabase;
let dataSource: DataSource;
const clock = new SteppedClock(T0);
let evaluator: EvaluateAlertsUseCase;
const alerts = new AlertRepository(PER_RULE);

/** Rows of the biggest result the evaluation read: what it holds in memory grows with this. */
let largestRead = 0;

/** One evaluation in its own transaction, counting the rows each of its statements brings back. */
async function evaluate(): Promise<AlertTransitions> {
  largestRead = 0;
  return dataSource.transaction(async (manager) => {
    const counting = new Proxy(manager, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return async (sql: string, parameters?: unknown[]) => {
          const rows: unknown = await target.query(sql, parameters);
          if (Array.isArray(rows)) largestRead = Math.max(largestRead, rows.length);
          return rows;
        };
      },
    }) as EntityManager;
    return evaluator.execute(counting);
  });
}

const ids = (alerts: readonly { alertId: string }[]): string[] => alerts.map((a) => a.alertId).sort();

async function openAlertIds(kind: string): Promise<string[]> {
  const rows: { alert_id: string }[] = await dataSource.query(
    `SELECT alert_id FROM ${t.alerts} WHERE resolved_at IS NULL AND kind = $1 ORDER BY alert_id`,
    [kind],
  );
  return rows.map((row) => row.alert_id);
}

/** Unshipped orders promised at `promisedShipBy` (ALLOCATED, not complete). */
async function insertOrders(orderIds: readonly string[], promisedShipBy: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO ${facts.orders} (order_id, channel, warehouse_id, placed_at, promised_ship_by, status, complete,
                                  shipment_count, units_ordered, order_value_minor, line_count, lines_filled_at_first_attempt)
     SELECT id, 'webshop', 'WH-1', $2::timestamptz - interval '24 hours', $2, 'ALLOCATED', false, 0, 1, 100, 1, 1
     FROM unnest($1::text[]) AS id`,
    [orderIds, new Date(promisedShipBy).toISOString()],
  );
}

/** Shipments from WH-2 of orders allocated at WH-1 only, recorded as the warehouse feed records them: misrouted. */
async function insertMisroutedShipments(orderIds: readonly string[]): Promise<void> {
  await recordAllocations(orderIds, 'WH-1');
  await dataSource.transaction((manager) =>
    alerts.recordShipments(
      manager,
      orderIds.map((id) => ({
        orderId: id,
        shipmentId: `SHP-${id}`,
        warehouseId: 'WH-2',
        shippedAt: new Date(T0).toISOString(),
      })),
    ),
  );
}

async function recordAllocations(orderIds: readonly string[], warehouseId: string): Promise<void> {
  await dataSource.transaction((manager) =>
    alerts.recordAllocations(
      manager,
      orderIds.map((orderId) => ({ orderId, warehouseId })),
    ),
  );
}

const range = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, '0')}`);

beforeAll(async () => {
  db = (await createTestDatabase({
    name: __filename,
    migrate: {
      schema: KPI_SCHEMA,
      migrations: [
        createMessagingTablesMigration(KPI_SCHEMA),
        createKpiFactTablesMigration(KPI_SCHEMA),
        CreateAlerts1764000000440,
        FlagMisroutedShipments1764000000470,
      ],
    },
  })) as MigratedTestDatabase;
  dataSource = db.dataSource;
  evaluator = new EvaluateAlertsUseCase(
    new AlertRepository(PER_RULE),
    { tables: facts },
    new Outbox(KPI_SCHEMA),
    clock,
    POLICY,
  );
});

afterAll(async () => {
  await db?.drop();
});

describe('the alert evaluation reads only what may change, at most a bounded number per rule', () => {
  const overdue = range('ORD-LATE', 25);
  const misrouted = range('ORD-MIS', 25);

  it('raises a backlog over several evaluations, oldest first, never reading more than the bound', async () => {
    await insertOrders(overdue, T0 - HOUR);
    await insertMisroutedShipments(misrouted);

    const batches: number[] = [];
    for (let run = 0; run < 3; run++) {
      const { raised, resolved } = await evaluate();
      batches.push(raised.length);
      expect(resolved).toEqual([]);
      expect(largestRead).toBeLessThanOrEqual(PER_RULE);
    }

    expect(batches).toEqual([20, 20, 10]);
    expect(await openAlertIds('order-overdue')).toEqual(overdue.map((id) => `order-overdue:${id}`));
    expect(await openAlertIds('shipment-misrouted')).toEqual(
      misrouted.map((id) => `shipment-misrouted:${id}:SHP-${id}`),
    );
    const [{ n }]: { n: string }[] = await dataSource.query(
      `SELECT count(*) AS n FROM "${KPI_SCHEMA}".outbox WHERE event_type = $1`,
      [ALERTS_ALERT_RAISED_V1],
    );
    expect(Number(n)).toBe(50);
  });

  it('does not read the open alerts whose condition still holds: an unchanged evaluation reads nothing', async () => {
    clock.at += 30_000;
    expect(await evaluate()).toEqual({ raised: [], resolved: [] });
    // the 50 open alerts and their 50 subjects stay in the database
    expect(largestRead).toBeLessThanOrEqual(1);
  });

  it('resolves the alerts whose condition is gone, a bounded number per evaluation', async () => {
    const shipped = overdue.slice(0, 12);
    await dataSource.query(
      `UPDATE ${facts.orders} SET status = 'SHIPPED', complete = true WHERE order_id = ANY($1)`,
      [shipped],
    );
    // a late allocation at the shipping warehouse: the shipment was not misrouted after all
    await recordAllocations(misrouted.slice(0, 3), 'WH-2');

    const first = await evaluate();
    expect(first.raised).toEqual([]);
    expect(ids(first.resolved)).toEqual(
      [
        ...shipped.slice(0, PER_RULE).map((id) => `order-overdue:${id}`),
        ...misrouted.slice(0, 3).map((id) => `shipment-misrouted:${id}:SHP-${id}`),
      ].sort(),
    );
    expect(largestRead).toBeLessThanOrEqual(PER_RULE);
    const second = await evaluate();
    expect(ids(second.resolved)).toEqual(shipped.slice(PER_RULE).map((id) => `order-overdue:${id}`));
    expect(await evaluate()).toEqual({ raised: [], resolved: [] });
    expect(await openAlertIds('order-overdue')).toEqual(overdue.slice(12).map((id) => `order-overdue:${id}`));
  });

  it('turns at-risk into overdue in one evaluation when the promise passes', async () => {
    await insertOrders(['ORD-SOON'], clock.at + 2 * HOUR);
    const atRisk = await evaluate();
    expect(ids(atRisk.raised)).toEqual(['order-at-risk:ORD-SOON']);

    clock.at += 3 * HOUR;
    const late = await evaluate();
    expect(ids(late.raised)).toEqual(['order-overdue:ORD-SOON']);
    expect(ids(late.resolved)).toEqual(['order-at-risk:ORD-SOON']);
    expect(await evaluate()).toEqual({ raised: [], resolved: [] });
  });

  it('raises an alert again, as its next occurrence, when its condition comes back', async () => {
    const setAvailable = (available: number) =>
      dataSource.query(
        `INSERT INTO ${facts.positions} (warehouse_id, sku, on_hand, reserved, available, backordered, reorder_point, changed_at)
         VALUES ('WH-1', 'SKU-LOW', $1, 0, $1, 0, 10, $2)
         ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = $1, available = $1`,
        [available, new Date(clock.at).toISOString()],
      );
    await setAvailable(3);
    expect(ids((await evaluate()).raised)).toEqual(['stock-below-reorder-point:WH-1:SKU-LOW']);
    await setAvailable(50);
    expect(ids((await evaluate()).resolved)).toEqual(['stock-below-reorder-point:WH-1:SKU-LOW']);
    await setAvailable(2);
    const { raised } = await evaluate();
    expect(raised.map((a) => [a.alertId, a.occurrence])).toEqual([
      ['stock-below-reorder-point:WH-1:SKU-LOW', 2],
    ]);
  });

  it('does not raise a shipment recorded before the allocation at its warehouse, nor one allocated there first', async () => {
    await recordAllocations(['ORD-EARLY'], 'WH-3');
    await dataSource.transaction((manager) =>
      alerts.recordShipments(manager, [
        {
          orderId: 'ORD-EARLY',
          shipmentId: 'SHP-1',
          warehouseId: 'WH-3',
          shippedAt: new Date(T0).toISOString(),
        },
        {
          orderId: 'ORD-LATE-ALLOC',
          shipmentId: 'SHP-1',
          warehouseId: 'WH-3',
          shippedAt: new Date(T0).toISOString(),
        },
      ]),
    );
    await recordAllocations(['ORD-LATE-ALLOC'], 'WH-3');
    expect(await evaluate()).toEqual({ raised: [], resolved: [] });
    const flagged: { order_id: string }[] = await dataSource.query(
      `SELECT order_id FROM ${t.shipments} WHERE misrouted AND order_id = ANY($1)`,
      [['ORD-EARLY', 'ORD-LATE-ALLOC']],
    );
    expect(flagged).toEqual([]);
  });
});

describe('the misrouted flag added to shipments recorded before it (migration 470)', () => {
  it('flags exactly the shipments no allocation of their order names the warehouse of, and drops it again', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      await new FlagMisroutedShipments1764000000470().down(runner);
      await dataSource.query(`DELETE FROM ${t.shipments}`);
      await dataSource.query(
        `INSERT INTO ${t.shipments} (order_id, shipment_id, warehouse_id, shipped_at) VALUES
           ('ORD-MIS-001', 'SHP-A', 'WH-9', $1), ('ORD-MIS-001', 'SHP-B', 'WH-1', $1), ('ORD-NONE', 'SHP-A', 'WH-1', $1)`,
        [new Date(T0).toISOString()],
      );
      await new FlagMisroutedShipments1764000000470().up(runner);
    } finally {
      await runner.release();
    }
    const rows: { order_id: string; shipment_id: string; misrouted: boolean }[] = await dataSource.query(
      `SELECT order_id, shipment_id, misrouted FROM ${t.shipments} ORDER BY order_id, shipment_id`,
    );
    expect(rows).toEqual([
      { order_id: 'ORD-MIS-001', shipment_id: 'SHP-A', misrouted: true },
      { order_id: 'ORD-MIS-001', shipment_id: 'SHP-B', misrouted: false },
      { order_id: 'ORD-NONE', shipment_id: 'SHP-A', misrouted: true },
    ]);
  });
});
