import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { DataSource } from 'typeorm';
import { BrokerFixture, startTestBroker, waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { OrdersEnvironment } from '../src/orders.environment';
import { OrdersModule } from '../src/orders.module';

jest.setTimeout(90_000);

interface DeadLetter {
  key: string;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

let broker: BrokerFixture;
let db: TestDatabase;
let app: NestFastifyApplication;
let producer: Producer;
let consumer: Consumer;
const deadLetters: DeadLetter[] = [];

beforeAll(async () => {
  [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: __filename })]);
  app = await startServiceForTest(
    { name: 'orders', Environment: OrdersEnvironment, module: (env) => OrdersModule.forRoot(env) },
    { DATABASE_URL: db.url, KAFKA_BROKERS: broker.broker.address, ORDERS_PARK_MAX_WAIT_MS: '300' },
  );
  const kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'parking',
    logLevel: logLevel.NOTHING,
  });
  producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  consumer = kafka.consumer({ groupId: `parking-reader-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'opsline.ingest.warehouse.dlq', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      deadLetters.push({
        key: message.key?.toString() ?? '',
        value: JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>,
        headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
      });
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

describe('events for an order that never arrives', () => {
  it('are dead-lettered to the source topic’s DLQ with ORDER.UNKNOWN_AFTER_WAIT once the wait is over', async () => {
    const event = {
      ...exampleEvent('opsline.wms.shipment-confirmed.v1', {
        warehouseId: 'WH-1',
        shipmentId: 'S-GHOST',
        orderId: 'ORD-GHOST',
        lines: [{ lineId: 'L1', sku: 'SKU-1', quantity: 1 }],
      }),
      id: 'ghost-shipment',
      subject: 'ORD-GHOST',
    };
    await producer.send({
      topic: 'opsline.ingest.warehouse',
      messages: [{ key: 'ORD-GHOST', value: JSON.stringify(event) }],
    });

    const dead = await waitFor(
      'the dead letter',
      () => deadLetters.find((d) => d.key === 'ORD-GHOST'),
      20_000,
    );

    expect(dead.headers['opsline-dlq-error']).toContain('ORDER.UNKNOWN_AFTER_WAIT');
    expect(dead.headers['opsline-dlq-source-topic']).toBe('opsline.ingest.warehouse');
    expect(dead.value).toMatchObject({ id: 'ghost-shipment', type: 'opsline.wms.shipment-confirmed.v1' });
    const parked: unknown[] = await app.get(DataSource).query(`SELECT 1 FROM orders.parked_events`);
    expect(parked).toEqual([]);
  });
});
