import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { BrokerFixture, startTestBroker, waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { OrdersEnvironment } from '../../orders/src/orders.environment';
import { OrdersModule } from '../../orders/src/orders.module';
import { KpiEnvironment } from '../src/kpi.environment';
import { KpiModule } from '../src/kpi.module';

jest.setTimeout(90_000);

let broker: BrokerFixture;
let db: TestDatabase;
let orders: NestFastifyApplication;
let kpi: NestFastifyApplication;
let pool: Pool;

beforeAll(async () => {
  [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: __filename })]);
  pool = new Pool({ connectionString: db.url, max: 2 });
  const vars = { DATABASE_URL: db.url, KAFKA_BROKERS: broker.broker.address };
  [orders, kpi] = await Promise.all([
    startServiceForTest(
      { name: 'orders', Environment: OrdersEnvironment, module: (env) => OrdersModule.forRoot(env) },
      vars,
    ),
    startServiceForTest(
      { name: 'kpi', Environment: KpiEnvironment, module: (env) => KpiModule.forRoot(env) },
      vars,
    ),
  ]);
});

afterAll(async () => {
  await Promise.all([orders.close(), kpi.close()]);
  await pool.end();
  await db.drop();
  await broker.stop();
});

function placed(orderId: string, eventId: string, quantity = 2): Record<string, unknown> {
  const event = exampleEvent('opsline.order.placed.v1');
  const data = event.data as { lines: Record<string, unknown>[] };
  return {
    ...event,
    id: eventId,
    subject: orderId,
    data: { ...event.data, orderId, lines: [{ ...data.lines[0], quantity }, data.lines[1]] },
  };
}

async function ingest(events: unknown[]): Promise<number> {
  const response = await orders.inject({
    method: 'POST',
    url: '/ingest/orders',
    headers: { 'content-type': 'application/cloudevents-batch+json', authorization: 'Bearer dev-key' },
    payload: JSON.stringify(events),
  });
  return response.statusCode;
}

async function orderFact(
  orderId: string,
): Promise<{ units_ordered: number; order_value_minor: string } | undefined> {
  const { rows } = await pool
    .query<{ units_ordered: number; order_value_minor: string }>(
      `SELECT sum(quantity)::int AS units_ordered, sum(quantity * unit_price_minor)::text AS order_value_minor
       FROM kpi.order_line_facts WHERE order_id = $1 GROUP BY order_id`,
      [orderId],
    )
    .catch(() => ({ rows: [] })); // the kpi schema may not be migrated yet on the first polls
  return rows[0];
}

describe('an order placed over HTTP flows ingest topic → orders → outbox → opsline.orders → kpi', () => {
  it('is stored as PLACED, announced once, and counted by the kpi read model once, even when sent twice', async () => {
    expect(await ingest([placed('ORD-F1', 'flow-1'), placed('ORD-F1', 'flow-1')])).toBe(202);
    expect(await ingest([placed('ORD-F1', 'flow-1-again-same-content')])).toBe(202);

    const fact = await waitFor('the kpi order fact', () => orderFact('ORD-F1'));
    expect(fact).toEqual({ units_ordered: 3, order_value_minor: String(2 * 1999) });
    const response = await orders.inject({
      method: 'GET',
      url: '/orders/ORD-F1',
      headers: { authorization: 'Bearer dev-key' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ orderId: 'ORD-F1', status: 'PLACED', channel: 'webshop' });

    const kafka = new Kafka({
      brokers: [broker.broker.address],
      clientId: 'flow-spec',
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const published = (await admin.fetchTopicOffsets('opsline.orders')).reduce(
      (n, p) => n + Number(p.high),
      0,
    );
    await admin.disconnect();
    expect(published).toBe(1);
  });

  it('dead-letters an order placed again with other content instead of overwriting it', async () => {
    expect(await ingest([placed('ORD-F2', 'flow-2', 1)])).toBe(202);
    await waitFor('the first placement', () => orderFact('ORD-F2'));
    expect(await ingest([placed('ORD-F2', 'flow-2-changed', 5)])).toBe(202);

    const kafka = new Kafka({
      brokers: [broker.broker.address],
      clientId: 'flow-spec-dlq',
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `dlq-reader-${Date.now()}`, maxWaitTimeInMs: 100 });
    const reasons: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'opsline.ingest.orders.dlq', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void reasons.push(String(message.headers?.['opsline-dlq-error'])),
    });
    await waitFor(
      'the conflicting placement in the dead-letter topic',
      () => (reasons.length > 0 ? true : undefined),
      30_000,
    );
    await consumer.disconnect();
    expect(reasons[0]).toContain('ORD-F2');
    expect(await orderFact('ORD-F2')).toEqual({ units_ordered: 2, order_value_minor: '1999' });
  });

  it('reports consumer lag, outbox backlog and dead letters at /metrics', async () => {
    const metrics = async (app: NestFastifyApplication): Promise<string> =>
      (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const ordersMetrics = await metrics(orders);
    expect(ordersMetrics).toMatch(
      /opsline_dead_letters_total\{topic="opsline.ingest.orders",reason="handler-failed"\} 1/,
    );
    expect(ordersMetrics).toMatch(/opsline_outbox_backlog\{service="orders"\} 0/);
    expect(ordersMetrics).toMatch(
      /opsline_consumer_lag\{topic="opsline.ingest.orders",partition="\d",group="opsline-orders"\} 0/,
    );
    expect(await metrics(kpi)).toMatch(
      /opsline_consumer_lag\{topic="opsline.orders",partition="\d",group="opsline-kpi"\} 0/,
    );
  });
});
