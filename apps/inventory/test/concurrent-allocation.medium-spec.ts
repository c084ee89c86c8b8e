import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { BrokerFixture, startTestBroker, waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { InventoryEnvironment } from '../src/inventory.environment';
import { InventoryModule } from '../src/inventory.module';

jest.setTimeout(120_000);

const WAREHOUSES = ['WH-1', 'WH-2'];
const SKUS = ['SKU-X1', 'SKU-X2', 'SKU-X3'];
const STOCK_PER_POSITION = 12;
const ORDERS = 150;
const PARTITIONS = 6;

let broker: BrokerFixture;
let db: TestDatabase;
let apps: NestFastifyApplication[] = [];
let producer: Producer;
let kafka: Kafka;

async function startInventory(): Promise<NestFastifyApplication> {
  return startServiceForTest(
    { name: 'inventory', Environment: InventoryEnvironment, module: (env) => InventoryModule.forRoot(env) },
    {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.broker.address,
      OPSLINE_API_KEYS: 'ops=warehouse:write,inventory:read',
    },
  );
}

beforeAll(async () => {
  [broker, db] = await Promise.all([
    startTestBroker({ defaultPartitions: PARTITIONS }),
    createTestDatabase({ name: __filename }),
  ]);
  kafka = new Kafka({ brokers: [broker.broker.address], clientId: 'concurrent', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: ['opsline.orders', 'opsline.ingest.warehouse'].map((topic) => ({
      topic,
      numPartitions: PARTITIONS,
    })),
  });
  await admin.disconnect();
  // one after the other: the first runs the migrations
  apps.push(await startInventory());
  apps.push(await startInventory());
  producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
  await db?.drop();
  await broker?.stop();
});

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

interface Row {
  warehouse_id: string;
  sku: string;
}

describe('two inventory instances consuming at once', () => {
  it('never reserve more than is on hand, and reserve every unit at most once', async () => {
    const manager = apps[0].get(DataSource).manager;
    const receipts = WAREHOUSES.flatMap((warehouseId) =>
      SKUS.map((sku) => ({
        ...exampleEvent('opsline.wms.goods-received.v1', {
          warehouseId,
          receiptId: `GR-${warehouseId}-${sku}`,
          lines: [{ sku, quantity: STOCK_PER_POSITION }],
        }),
        id: `receipt-${warehouseId}-${sku}`,
        time: '2026-11-20T08:00:00.000Z',
      })),
    );
    const response = await apps[1].inject({
      method: 'POST',
      url: '/ingest/warehouse',
      headers: { 'content-type': 'application/cloudevents-batch+json', authorization: 'Bearer ops' },
      payload: JSON.stringify(receipts),
    });
    expect(response.statusCode).toBe(202);
    await waitFor('the receipts', async () => {
      const rows = (await manager.query(
        `SELECT count(*)::int AS n FROM inventory.stock_positions WHERE on_hand = $1`,
        [STOCK_PER_POSITION],
      )) as { n: number }[];
      return rows[0].n === WAREHOUSES.length * SKUS.length ? true : undefined;
    });

    const next = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const messages = Array.from({ length: ORDERS }, (_, index) => {
      const orderId = `ORD-C${index}`;
      const lineCount = 1 + Math.floor(next() * 2);
      const lines = Array.from({ length: lineCount }, (__, line) => ({
        lineId: String(line + 1),
        sku: pick(SKUS),
        quantity: 1 + Math.floor(next() * 3),
        unitPriceMinor: 100,
      }));
      const warehouse = index % 5 === 0 ? undefined : pick(WAREHOUSES);
      const event = exampleEvent('opsline.orders.order-placed.v1', {
        orderId,
        channel: 'webshop',
        currency: 'EUR',
        placedAt: new Date(Date.UTC(2026, 10, 20, 9, 0, index)).toISOString(),
        promisedShipBy: '2026-11-30T16:00:00.000Z',
        ...(warehouse === undefined ? {} : { warehouseId: warehouse }),
        lines,
      });
      return { key: orderId, value: JSON.stringify({ ...event, id: `placed-${orderId}`, subject: orderId }) };
    });
    // several producers at once, so every partition fills while both instances consume
    await Promise.all(
      [0, 1, 2].map((part) =>
        producer.send({ topic: 'opsline.orders', messages: messages.filter((_, i) => i % 3 === part) }),
      ),
    );

    await waitFor(
      'every order allocated',
      async () => {
        const rows = (await manager.query(`SELECT count(*)::int AS n FROM inventory.order_allocations`)) as {
          n: number;
        }[];
        return rows[0].n === ORDERS ? true : undefined;
      },
      90_000,
    );

    const admin = kafka.admin();
    await admin.connect();
    const { groups } = await admin.describeGroups(['opsline-inventory']);
    await admin.disconnect();
    expect(groups[0].members).toHaveLength(2);

    const positions = (await manager.query(
      `SELECT warehouse_id, sku, on_hand, reserved FROM inventory.stock_positions`,
    )) as (Row & { on_hand: number; reserved: number })[];
    const ledger = (await manager.query(
      `SELECT warehouse_id, sku,
              coalesce(sum((entry->>'quantity')::int) FILTER (WHERE kind = 'receipt'), 0)::int AS received,
              coalesce(sum((entry->>'quantity')::int) FILTER (WHERE kind = 'reservation'), 0)::int AS reserved,
              count(*) FILTER (WHERE kind = 'reservation')::int AS reservations,
              count(DISTINCT entry_key) FILTER (WHERE kind = 'reservation')::int AS distinct_reservations
         FROM inventory.stock_ledger GROUP BY warehouse_id, sku`,
    )) as (Row & {
      received: number;
      reserved: number;
      reservations: number;
      distinct_reservations: number;
    })[];
    const backorders = (await manager.query(
      `SELECT warehouse_id, sku, sum(quantity)::int AS waiting FROM inventory.backorders GROUP BY warehouse_id, sku`,
    )) as (Row & { waiting: number })[];

    let totalReserved = 0;
    for (const position of positions) {
      const key = `${position.warehouse_id}/${position.sku}`;
      const entries = ledger.find((l) => l.warehouse_id === position.warehouse_id && l.sku === position.sku);
      const received = entries?.received ?? 0;
      expect({ key, reservedWithinOnHand: position.reserved <= position.on_hand }).toEqual({
        key,
        reservedWithinOnHand: true,
      });
      expect({ key, ledgerReserved: entries?.reserved ?? 0 }).toEqual({
        key,
        ledgerReserved: position.reserved,
      });
      expect({ key, withinReceipts: (entries?.reserved ?? 0) <= received }).toEqual({
        key,
        withinReceipts: true,
      });
      expect(entries?.reservations ?? 0).toBe(entries?.distinct_reservations ?? 0);
      // a position with waiting orders has handed out everything it had
      const waiting = backorders.find(
        (b) => b.warehouse_id === position.warehouse_id && b.sku === position.sku,
      );
      if (waiting !== undefined && waiting.waiting > 0)
        expect({ key, reserved: position.reserved }).toEqual({
          key,
          reserved: position.on_hand,
        });
      totalReserved += position.reserved;
    }
    expect(totalReserved).toBeGreaterThan(0);
    expect(totalReserved).toBeLessThanOrEqual(WAREHOUSES.length * SKUS.length * STOCK_PER_POSITION);
  });
});
