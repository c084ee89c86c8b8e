/** The inventory service under test, with helpers to feed it events and read what it does. */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { BrokerFixture, startTestBroker } from '../../../libs/kafka-broker/test/broker-fixture';
import { InventoryEnvironment } from '../src/inventory.environment';
import { InventoryModule } from '../src/inventory.module';

export interface Published {
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

export interface Position {
  warehouseId: string;
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  reorderPoint: number | null;
  belowReorderPoint: boolean;
}

let broker: BrokerFixture;
let db: TestDatabase;
let app: NestFastifyApplication;
let producer: Producer;
let consumer: Consumer;
/** Every event the service published on opsline.inventory, in arrival order. */
export const published: Published[] = [];

/**
 * Boots the inventory service on its own database and broker for the calling spec file, with a
 * producer for order events and a reader of everything it publishes on opsline.inventory.
 */
export function useInventoryService(specFile: string, apiKeys: string): void {
  beforeAll(async () => {
    [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: specFile })]);
    app = await startServiceForTest(
      { name: 'inventory', Environment: InventoryEnvironment, module: (env) => InventoryModule.forRoot(env) },
      {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: broker.broker.address,
        OPSLINE_API_KEYS: apiKeys,
      },
    );
    const kafka = new Kafka({
      brokers: [broker.broker.address],
      clientId: 'inventory-spec',
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    consumer = kafka.consumer({ groupId: `inventory-spec-reader-${Date.now()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'opsline.inventory', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        published.push(JSON.parse(message.value?.toString() ?? '{}') as Published);
      },
    });
  });

  afterAll(async () => {
    await consumer.disconnect();
    await producer.disconnect();
    await app.close();
    await db.drop();
    await broker.stop();
  });
}

/** The service under test (after `useInventoryService`'s beforeAll). */
export function service(): NestFastifyApplication {
  return app;
}

/** A producer for events the service consumes from other topics. */
export function orderProducer(): Producer {
  return producer;
}

let sequence = 0;

export function wms(
  type: Parameters<typeof exampleEvent>[0],
  data: Record<string, unknown>,
  time: string,
  id?: string,
) {
  sequence += 1;
  return { ...exampleEvent(type, data), id: id ?? `wms-${sequence}`, time };
}

export async function ingest(events: unknown[]): Promise<void> {
  const response = await app.inject({
    method: 'POST',
    url: '/ingest/warehouse',
    headers: { 'content-type': 'application/cloudevents-batch+json', authorization: 'Bearer ops' },
    payload: JSON.stringify(events),
  });
  expect(response.statusCode).toBe(202);
}

export function received(receiptId: string, sku: string, quantity: number, time: string, id?: string) {
  return wms(
    'opsline.wms.goods-received.v1',
    { warehouseId: 'WH-1', receiptId, lines: [{ sku, quantity }] },
    time,
    id,
  );
}

export async function placeOrder(
  orderId: string,
  placedAt: string,
  lines: { lineId: string; sku: string; quantity: number }[],
  eventId = `placed-${orderId}`,
): Promise<void> {
  const event = exampleEvent('opsline.orders.order-placed.v1', {
    orderId,
    channel: 'webshop',
    currency: 'EUR',
    placedAt,
    promisedShipBy: '2026-11-30T16:00:00.000Z',
    warehouseId: 'WH-1',
    lines: lines.map((line) => ({ ...line, unitPriceMinor: 100 })),
  });
  await producer.send({
    topic: 'opsline.orders',
    messages: [{ key: orderId, value: JSON.stringify({ ...event, id: eventId, subject: orderId }) }],
  });
}

export async function positionOf(sku: string): Promise<Position | undefined> {
  const response = await app.inject({
    method: 'GET',
    url: `/inventory/positions?warehouseId=WH-1&sku=${sku}`,
    headers: { authorization: 'Bearer ops' },
  });
  expect(response.statusCode).toBe(200);
  return (response.json() as Position[])[0];
}

export function positionMatching(
  sku: string,
  expected: Partial<Position>,
): () => Promise<Position | undefined> {
  return async () => {
    const position = await positionOf(sku);
    const matches =
      position !== undefined &&
      Object.entries(expected).every(([k, v]) => position[k as keyof Position] === v);
    return matches ? position : undefined;
  };
}

export function publishedOf(
  type: string,
  subject: string,
  matches: (event: Published) => boolean = () => true,
): () => Published[] | undefined {
  return () => {
    const found = published.filter(
      (event) => event.type === type && event.subject === subject && matches(event),
    );
    return found.length > 0 ? found : undefined;
  };
}
