import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { DataSource } from 'typeorm';
import { BrokerFixture, startTestBroker } from '../../../libs/kafka-broker/test/broker-fixture';
import { OrderEntity } from '../src/infrastructure/order.entity';
import { OrdersEnvironment } from '../src/orders.environment';
import { OrdersModule } from '../src/orders.module';

jest.setTimeout(60_000);

let broker: BrokerFixture;
let db: TestDatabase;
let app: NestFastifyApplication;

const PLACED = [
  '2026-11-20T08:00:00.000Z',
  '2026-11-20T09:00:00.000Z',
  '2026-11-20T09:00:00.000Z',
  '2026-11-20T10:00:00.000Z',
  '2026-11-21T10:00:00.000Z',
];

beforeAll(async () => {
  [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: __filename })]);
  app = await startServiceForTest(
    { name: 'orders', Environment: OrdersEnvironment, module: (env) => OrdersModule.forRoot(env) },
    { DATABASE_URL: db.url, KAFKA_BROKERS: broker.broker.address },
  );
  await app
    .get(DataSource)
    .getRepository(OrderEntity)
    .insert(
      PLACED.map((placedAt, i) => ({
        orderId: `ORD-L${i + 1}`,
        channel: 'webshop',
        currency: 'EUR',
        customerId: null,
        warehouseId: null,
        placedAt: new Date(placedAt),
        promisedShipBy: new Date(Date.parse(placedAt) + 86_400_000),
        status: i === 3 ? ('CANCELLED' as const) : ('PLACED' as const),
        lines: [{ lineId: '1', sku: 'SKU-1', quantity: 1, unitPriceMinor: 100 }],
        placementFingerprint: `fp-${i}`,
      })),
    );
});

afterAll(async () => {
  await app.close();
  await db.drop();
  await broker.stop();
});

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer dev-key' } });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

function ids(body: Record<string, unknown>): string[] {
  return (body.items as { orderId: string }[]).map((order) => order.orderId);
}

describe('GET /orders', () => {
  it('walks every order once, by placement time then id, in pages that follow nextCursor', async () => {
    const seen: string[] = [];
    let url = '/orders?limit=2';
    for (let page = 0; page < 5; page++) {
      const { status, body } = await get(url);
      expect(status).toBe(200);
      seen.push(...ids(body));
      if (body.nextCursor === null) break;
      url = `/orders?limit=2&cursor=${String(body.nextCursor)}`;
    }
    expect(seen).toEqual(['ORD-L1', 'ORD-L2', 'ORD-L3', 'ORD-L4', 'ORD-L5']);
  });

  it('filters by status and by placement time in [from, to)', async () => {
    expect(ids((await get('/orders?status=CANCELLED')).body)).toEqual(['ORD-L4']);
    expect(
      ids((await get('/orders?from=2026-11-20T09:00:00.000Z&to=2026-11-20T10:00:00.000Z')).body),
    ).toEqual(['ORD-L2', 'ORD-L3']);
  });

  it.each([
    ['an unknown status', '/orders?status=LOST', 'status'],
    ['a from not before to', '/orders?from=2026-11-21T00:00:00.000Z&to=2026-11-20T00:00:00.000Z', 'from'],
    ['a limit of 0', '/orders?limit=0', 'limit'],
    ['a date that is not ISO-8601', '/orders?from=yesterday', 'from'],
    ['a cursor it did not make', '/orders?cursor=abc', 'cursor'],
    [
      'a parameter it does not take (a misspelt filter must not answer every order)',
      '/orders?stauts=SHIPPED',
      'stauts',
    ],
    ['an order id with U+0000 (PostgreSQL cannot take it: was a 500)', '/orders/ORD%001', 'orderId'],
  ])('answers 400 naming the parameter for %s', async (_name, url, field) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect((body.error as { fields: { field: string }[] }).fields.map((f) => f.field)).toContain(field);
  });

  it('answers 404 ORDER.NOT_FOUND for an order it does not have', async () => {
    const { status, body } = await get('/orders/ORD-NOPE');
    expect(status).toBe(404);
    expect((body.error as { code: string }).code).toBe('ORDER.NOT_FOUND');
  });
});
