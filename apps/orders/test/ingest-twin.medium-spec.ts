import { Kafka, logLevel } from 'kafkajs';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { INGEST_ORDERS_TOPIC } from '@opsline/contracts';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { BrokerFixture, startTestBroker } from '../../../libs/kafka-broker/test/broker-fixture';
import { OrdersEnvironment } from '../src/orders.environment';
import { OrdersModule } from '../src/orders.module';

jest.setTimeout(60_000);

let broker: BrokerFixture;
let db: TestDatabase;
let app: NestFastifyApplication;
let kafka: Kafka;

const KEYS = 'writer=orders:write;reader=kpi:read';
const CLOUDEVENT = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

beforeAll(async () => {
  [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: __filename })]);
  app = await startServiceForTest(
    {
      name: 'orders',
      Environment: OrdersEnvironment,
      module: (environment) => OrdersModule.forRoot(environment),
    },
    {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.broker.address,
      OPSLINE_API_KEYS: KEYS,
      HTTP_BODY_LIMIT_BYTES: String(64 * 1024),
    },
  );
  kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'ingest-spec',
    logLevel: logLevel.NOTHING,
  });
});

afterAll(async () => {
  await app.close();
  await db.drop();
  await broker.stop();
});

function orderPlaced(id: string, lines?: unknown[]): Record<string, unknown> {
  const event = exampleEvent('opsline.order.placed.v1');
  return { ...event, id, data: lines === undefined ? event.data : { ...event.data, lines } };
}

async function post(body: unknown, contentType = CLOUDEVENT, key: string | null = 'writer') {
  const response = await app.inject({
    method: 'POST',
    url: '/ingest/orders',
    headers: { 'content-type': contentType, ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.statusCode,
    body: response.json() as { error?: { code: string; fields?: { field: string; rule: string }[] } },
  };
}

async function eventIdsOnIngestTopic(): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(INGEST_ORDERS_TOPIC).catch(() => []);
  await admin.disconnect();
  const total = offsets.reduce((sum, p) => sum + Number(p.high), 0);
  if (total === 0) return [];
  const consumer = kafka.consumer({ groupId: `ingest-reader-${Date.now()}`, maxWaitTimeInMs: 100 });
  const ids: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: INGEST_ORDERS_TOPIC, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        ids.push((JSON.parse(String(message.value)) as { id: string }).id);
        if (ids.length === total) resolve();
      },
    });
  });
  await consumer.disconnect();
  return ids.sort();
}

describe('POST /ingest/orders', () => {
  it('accepts one event and a batch with 202 once they are on opsline.ingest.orders', async () => {
    expect(await post(orderPlaced('ing-1'))).toEqual({ status: 202, body: { accepted: 1, ids: ['ing-1'] } });
    expect(await post([orderPlaced('ing-2'), orderPlaced('ing-3')], BATCH)).toEqual({
      status: 202,
      body: { accepted: 2, ids: ['ing-2', 'ing-3'] },
    });
    expect(await eventIdsOnIngestTopic()).toEqual(['ing-1', 'ing-2', 'ing-3']);
  });

  it('answers 422 naming the field when event data breaks its rules, and stores nothing of a bad batch', async () => {
    const bad = await post(
      [
        orderPlaced('ing-4'),
        orderPlaced('ing-5', [{ lineId: '1', sku: 'SKU-1', quantity: 0, unitPriceMinor: 5 }]),
      ],
      BATCH,
    );
    expect(bad.status).toBe(422);
    expect(bad.body.error?.fields).toEqual([
      expect.objectContaining({ field: '[1].data.lines[0].quantity', rule: 'min' }),
    ]);
    expect(await eventIdsOnIngestTopic()).not.toContain('ing-4');
  });

  it('answers 400 naming the field for a body that is not a valid CloudEvent', async () => {
    const { id: _id, ...withoutId } = orderPlaced('x');
    const missingId = await post(withoutId);
    expect(missingId.status).toBe(400);
    expect(missingId.body.error?.fields).toEqual([expect.objectContaining({ field: 'id' })]);
    expect((await post('{"specversion": ')).status).toBe(400);
    const wrongType = await post({ ...orderPlaced('ing-6'), type: 'opsline.return.requested.v1' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error?.fields?.[0].field).toBe('type');
  });

  it('answers 401 without a key, 403 with a key lacking orders:write', async () => {
    expect((await post(orderPlaced('ing-7'), CLOUDEVENT, null)).status).toBe(401);
    expect((await post(orderPlaced('ing-7'), CLOUDEVENT, 'unknown-key')).status).toBe(401);
    expect((await post(orderPlaced('ing-7'), CLOUDEVENT, 'reader')).status).toBe(403);
  });

  it('answers 413 for a body over the limit and 415 for another media type', async () => {
    const huge = orderPlaced(
      'ing-8',
      Array.from({ length: 2000 }, (_, i) => ({
        lineId: `L${i}`,
        sku: 'SKU-1',
        quantity: 1,
        unitPriceMinor: 1,
      })),
    );
    expect((await post(huge)).status).toBe(413);
    expect((await post('orderId=1', 'application/x-www-form-urlencoded')).status).toBe(415);
  });
});
