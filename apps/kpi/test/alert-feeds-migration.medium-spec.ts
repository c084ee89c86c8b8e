import {
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
  ORDERS_ORDER_PLACED_V1,
  ORDERS_ORDER_SHIPPED_V1,
} from '@opsline/contracts';
import { createTestDatabase, MigratedTestDatabase } from '@opsline/persistence/testing';
import type { DataSource } from 'typeorm';
import { ALERT_TABLES as t } from '../src/infrastructure/alerts/alert-tables';
import { KPI_SCHEMA } from '../src/infrastructure/kpi-tables';
import { CreateReadModelVersions1764000000410 } from '../src/infrastructure/migrations/1764000000410-create-read-model-versions';
import {
  CreateEventJournal1764000000420,
  eventJournalTable,
  eventJournalUpSql,
} from '../src/infrastructure/migrations/1764000000420-create-event-journal';
import { CreateAlerts1764000000440 } from '../src/infrastructure/migrations/1764000000440-create-alerts';
import { FlagMisroutedShipments1764000000470 } from '../src/infrastructure/migrations/1764000000470-flag-misrouted-shipments';
import { AlertFeedsFromJournal1764000000490 } from '../src/infrastructure/migrations/1764000000490-alert-feeds-from-journal';

jest.setTimeout(60_000);

/** The live version is a rebuilt one, as in a deployment that has rebuilt once. */
const LIVE = 'kpi_v2';

let db: MigratedTestDatabase;
let dataSource: DataSource;

async function journal(schema: string, events: { id: string; type: string; data: object }[]): Promise<void> {
  for (const event of events)
    await dataSource.query(
      `INSERT INTO ${eventJournalTable(schema)} (event_id, type, subject, business_time, known_since, topic, partition, "offset", data)
       VALUES ($1, $2, 'ORD', '2026-11-20T10:00:00Z', now(), 'opsline.orders', 0, NULL, $3)`,
      [event.id, event.type, JSON.stringify(event.data)],
    );
}

beforeAll(async () => {
  db = (await createTestDatabase({
    name: __filename,
    migrate: {
      schema: KPI_SCHEMA,
      migrations: [
        CreateReadModelVersions1764000000410,
        CreateEventJournal1764000000420,
        CreateAlerts1764000000440,
        FlagMisroutedShipments1764000000470,
      ],
    },
  })) as MigratedTestDatabase;
  dataSource = db.dataSource;
  for (const sql of eventJournalUpSql(LIVE)) await dataSource.query(sql);
  await dataSource.query(
    `UPDATE ${KPI_SCHEMA}.read_model_versions SET status = 'retired';
     INSERT INTO ${KPI_SCHEMA}.read_model_versions (version, schema_name, consumer_group, status)
     VALUES (2, '${LIVE}', 'kpi-v2', 'live')`,
  );
});

afterAll(() => db.drop());

describe('migration 490: the alert feeds take what the read models applied and the alerts group had not', () => {
  it("records the live journal's allocations and shipments, clears the flags they disprove, and keeps what was there", async () => {
    // Recorded by the alerts group before the upgrade: ORD-1's allocation, and ORD-2's shipment from
    // WH-2, flagged because ORD-2's allocation there was not recorded yet.
    await dataSource.query(`INSERT INTO ${t.allocations} VALUES ('ORD-1', 'WH-1')`);
    await dataSource.query(
      `INSERT INTO ${t.shipments} VALUES ('ORD-2', 'SHP-2', 'WH-2', '2026-11-20T12:00:00Z', true)`,
    );
    await journal(LIVE, [
      {
        id: 'e1',
        type: ORDERS_ORDER_ALLOCATED_V1,
        data: { orderId: 'ORD-1', allocationWarehouseId: 'WH-1' },
      },
      {
        id: 'e2',
        type: ORDERS_ORDER_BACKORDERED_V1,
        data: { orderId: 'ORD-2', allocationWarehouseId: 'WH-2' },
      },
      { id: 'e3', type: ORDERS_ORDER_PLACED_V1, data: { orderId: 'ORD-3' } },
      {
        id: 'e4',
        type: ORDERS_ORDER_SHIPPED_V1,
        data: {
          orderId: 'ORD-1',
          shipmentId: 'SHP-1',
          shipmentWarehouseId: 'WH-1',
          shippedAt: '2026-11-20T13:00:00Z',
        },
      },
      {
        id: 'e5',
        type: ORDERS_ORDER_SHIPPED_V1,
        data: {
          orderId: 'ORD-3',
          shipmentId: 'SHP-3',
          shipmentWarehouseId: 'WH-9',
          shippedAt: '2026-11-20T14:00:00Z',
        },
      },
    ]);
    // The retired version's journal is not read.
    await journal(KPI_SCHEMA, [
      {
        id: 'old',
        type: ORDERS_ORDER_ALLOCATED_V1,
        data: { orderId: 'ORD-OLD', allocationWarehouseId: 'WH-1' },
      },
    ]);

    const runner = dataSource.createQueryRunner();
    try {
      await new AlertFeedsFromJournal1764000000490().up(runner);
      await new AlertFeedsFromJournal1764000000490().up(runner); // running it again changes nothing
    } finally {
      await runner.release();
    }

    expect(await dataSource.query(`SELECT * FROM ${t.allocations} ORDER BY order_id`)).toEqual([
      { order_id: 'ORD-1', warehouse_id: 'WH-1' },
      { order_id: 'ORD-2', warehouse_id: 'WH-2' },
    ]);
    expect(
      await dataSource.query(
        `SELECT order_id, shipment_id, warehouse_id, shipped_at, misrouted FROM ${t.shipments} ORDER BY order_id`,
      ),
    ).toEqual([
      {
        order_id: 'ORD-1',
        shipment_id: 'SHP-1',
        warehouse_id: 'WH-1',
        shipped_at: new Date('2026-11-20T13:00:00Z'),
        misrouted: false,
      },
      {
        order_id: 'ORD-2',
        shipment_id: 'SHP-2',
        warehouse_id: 'WH-2',
        shipped_at: new Date('2026-11-20T12:00:00Z'),
        misrouted: false,
      },
      {
        order_id: 'ORD-3',
        shipment_id: 'SHP-3',
        warehouse_id: 'WH-9',
        shipped_at: new Date('2026-11-20T14:00:00Z'),
        misrouted: true,
      },
    ]);
  });
});
