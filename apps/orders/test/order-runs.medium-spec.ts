import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, IHeaders, Kafka, logLevel, Producer } from 'kafkajs';
import { ConsumedEvent } from '@opsline/messaging';
import { exampleEvent, PlainCloudEvent } from '@opsline/contracts/testing/example-events';
import { OrderPlacedV1 } from '@opsline/contracts';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { DataSource } from 'typeorm';
import { BrokerFixture, startTestBroker, waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { PlaceOrderUseCase } from '../src/application/place-order.use-case';
import { RecordOrderFactUseCase } from '../src/application/record-order-fact.use-case';
import { OrdersEnvironment } from '../src/orders.environment';
import { OrdersModule } from '../src/orders.module';

/**
 * Runs of events applied together (`@OnEventBatch`): events sent in one request to one partition
 * reach the orders service as one run, and must have the effect they would have one by one.
 */
jest.setTimeout(120_000);

interface Published {
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

interface DeadLetter {
  topic: string;
  key: string;
  headers: Record<string, string>;
}

let broker: BrokerFixture;
let db: TestDatabase;
let app: NestFastifyApplication;
let producer: Producer;
let consumer: Consumer;
const published: Published[] = [];
const deadLetters: DeadLetter[] = [];

beforeAll(async () => {
  [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: __filename })]);
  app = await startServiceForTest(
    { name: 'orders', Environment: OrdersEnvironment, module: (env) => OrdersModule.forRoot(env) },
    { DATABASE_URL: db.url, KAFKA_BROKERS: broker.broker.address },
  );
  const kafka = new Kafka({ brokers: [broker.broker.address], clientId: 'runs', logLevel: logLevel.NOTHING });
  producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  consumer = kafka.consumer({ groupId: `runs-reader-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({
    topics: ['opsline.orders', 'opsline.ingest.orders.dlq', 'opsline.inventory.dlq'],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === 'opsline.orders') {
        published.push(JSON.parse(message.value?.toString() ?? '{}') as Published);
      } else {
        deadLetters.push({
          topic,
          key: message.key?.toString() ?? '',
          headers: stringHeaders(message.headers),
        });
      }
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

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}

let sequence = 0;

function placedEvent(orderId: string, channel = 'webshop'): PlainCloudEvent {
  sequence += 1;
  const data = {
    orderId,
    channel,
    currency: 'EUR',
    promisedShipBy: '2026-11-21T16:00:00.000Z',
    warehouseId: 'WH-1',
    lines: [
      { lineId: 'L1', sku: 'SKU-1', quantity: 2, unitPriceMinor: 1000 },
      { lineId: 'L2', sku: 'SKU-2', quantity: 1, unitPriceMinor: 500 },
    ],
  };
  return {
    ...exampleEvent('opsline.order.placed.v1', data),
    id: `runs-${sequence}`,
    subject: orderId,
    time: '2026-11-20T10:00:00.000Z',
  };
}

/** Inventory's first attempt for a placed order: `reserved` units of L1 and L2. */
function stockReservedEvent(orderId: string, reserved: { L1: number; L2: number }): PlainCloudEvent {
  sequence += 1;
  const data = {
    orderId,
    warehouseId: 'WH-1',
    reservedAt: '2026-11-20T10:00:01.000Z',
    cause: 'allocation',
    trigger: 'allocation',
    lines: [
      { lineId: 'L1', sku: 'SKU-1', quantity: reserved.L1 },
      { lineId: 'L2', sku: 'SKU-2', quantity: reserved.L2 },
    ].filter((line) => line.quantity > 0),
    firstAttempt: [
      { lineId: 'L1', sku: 'SKU-1', ordered: 2, reserved: reserved.L1, backordered: 2 - reserved.L1 },
      { lineId: 'L2', sku: 'SKU-2', ordered: 1, reserved: reserved.L2, backordered: 1 - reserved.L2 },
    ],
  };
  return {
    ...exampleEvent('opsline.inventory.stock-reserved.v1', data),
    id: `runs-${sequence}`,
    subject: orderId,
    time: '2026-11-20T10:00:01.000Z',
  };
}

/** Sends the events in one request to partition 0, so the consumer gets them as one run. */
async function sendRun(topic: string, events: readonly PlainCloudEvent[]): Promise<void> {
  await producer.send({
    topic,
    messages: events.map((event) => ({
      key: event.subject as string,
      partition: 0,
      value: JSON.stringify(event),
    })),
  });
}

/** The validated event as the consumer hands it to a handler. */
function consumed(event: PlainCloudEvent): ConsumedEvent {
  return event as unknown as ConsumedEvent;
}

async function orderRow(orderId: string): Promise<{ status: string; channel: string } | undefined> {
  const rows: { status: string; channel: string }[] = await app
    .get(DataSource)
    .query(`SELECT status, channel FROM orders.orders WHERE order_id = $1`, [orderId]);
  return rows[0];
}

function orderIn(orderId: string, status: string): () => Promise<true | undefined> {
  return async () => ((await orderRow(orderId))?.status === status ? true : undefined);
}

function publishedFor(type: string, orderId: string): Published[] {
  return published.filter((event) => event.type === type && event.subject === orderId);
}

describe('a run of placements', () => {
  it('places an order repeated within the run once, and answers the repeat as a duplicate', async () => {
    const outcomes = await app.get(DataSource).transaction((manager) =>
      app.get(PlaceOrderUseCase).executeRun(
        manager,
        [placedEvent('ORD-RD1'), placedEvent('ORD-RD2'), placedEvent('ORD-RD1')].map((event) => ({
          eventId: event.id as string,
          placedAt: event.time as string,
          data: event.data as unknown as OrderPlacedV1,
        })),
      ),
    );

    expect(outcomes).toEqual(['created', 'created', 'duplicate']);
    const stored: unknown[] = await app
      .get(DataSource)
      .query(`SELECT 1 FROM orders.outbox WHERE message_key = 'ORD-RD1'`);
    expect(stored).toHaveLength(1);
  });

  it('announces an order placed twice in one run from Kafka once', async () => {
    await sendRun('opsline.ingest.orders', [
      placedEvent('ORD-RK1'),
      placedEvent('ORD-RK2'),
      placedEvent('ORD-RK1'),
      placedEvent('ORD-RK3'),
    ]);

    // each order on its own partition: one announced says nothing about the others
    await waitFor('ORD-RK1, ORD-RK2 and ORD-RK3 announced', () =>
      ['ORD-RK1', 'ORD-RK2', 'ORD-RK3'].every(
        (orderId) => publishedFor('opsline.orders.order-placed.v1', orderId).length > 0,
      )
        ? true
        : undefined,
    );
    expect(publishedFor('opsline.orders.order-placed.v1', 'ORD-RK1')).toHaveLength(1);
    expect(publishedFor('opsline.orders.order-placed.v1', 'ORD-RK2')).toHaveLength(1);
    expect(await orderRow('ORD-RK1')).toEqual({ status: 'PLACED', channel: 'webshop' });
    expect(deadLetters.filter((letter) => letter.key === 'ORD-RK1')).toEqual([]);
  });

  it('dead-letters a conflicting placement alone and places the rest of its run', async () => {
    await sendRun('opsline.ingest.orders', [
      placedEvent('ORD-RC1'),
      placedEvent('ORD-RC2'),
      placedEvent('ORD-RC2', 'marketplace'),
      placedEvent('ORD-RC3'),
    ]);

    const dead = await waitFor('the conflict dead-lettered', () =>
      deadLetters.find((letter) => letter.key === 'ORD-RC2'),
    );
    expect(dead.topic).toBe('opsline.ingest.orders.dlq');
    expect(dead.headers['opsline-dlq-error']).toBe(
      'Order "ORD-RC2" was already placed with different content',
    );
    await waitFor('ORD-RC3 placed', orderIn('ORD-RC3', 'PLACED'));
    expect(await orderRow('ORD-RC1')).toEqual({ status: 'PLACED', channel: 'webshop' });
    expect(await orderRow('ORD-RC2')).toEqual({ status: 'PLACED', channel: 'webshop' });
    expect(
      deadLetters.filter((letter) => letter.key !== 'ORD-RC2' && letter.key.startsWith('ORD-RC')),
    ).toEqual([]);
  });
});

describe('a run of allocation results', () => {
  it('allocates the known orders and parks the one for an unknown order until it is placed', async () => {
    await sendRun('opsline.ingest.orders', [placedEvent('ORD-RA1'), placedEvent('ORD-RA2')]);
    await waitFor('ORD-RA2 placed', orderIn('ORD-RA2', 'PLACED'));

    await sendRun('opsline.inventory', [
      stockReservedEvent('ORD-RA1', { L1: 2, L2: 1 }),
      stockReservedEvent('ORD-RAX', { L1: 2, L2: 1 }),
      stockReservedEvent('ORD-RA2', { L1: 1, L2: 1 }),
    ]);

    await waitFor('ORD-RA1 allocated', orderIn('ORD-RA1', 'ALLOCATED'));
    await waitFor('ORD-RA2 backordered', orderIn('ORD-RA2', 'BACKORDERED'));
    const parked: { order_id: string }[] = await app
      .get(DataSource)
      .query(`SELECT order_id FROM orders.parked_events WHERE order_id LIKE 'ORD-RA%'`);
    expect(parked).toEqual([{ order_id: 'ORD-RAX' }]);

    await sendRun('opsline.ingest.orders', [placedEvent('ORD-RAX')]);
    await waitFor('ORD-RAX allocated on placement', orderIn('ORD-RAX', 'ALLOCATED'));
    await waitFor('order-allocated of ORD-RAX', () =>
      publishedFor('opsline.orders.order-allocated.v1', 'ORD-RAX').length > 0 ? true : undefined,
    );
    expect(publishedFor('opsline.orders.order-allocated.v1', 'ORD-RA1')).toHaveLength(1);
    expect(publishedFor('opsline.orders.order-backordered.v1', 'ORD-RA2')).toHaveLength(1);
    expect(deadLetters.filter((letter) => letter.key.startsWith('ORD-RA'))).toEqual([]);
  });

  it('applies several facts for one order in one run in sequence', async () => {
    const dataSource = app.get(DataSource);
    const placed = placedEvent('ORD-RS1');
    await dataSource.transaction((manager) =>
      app.get(PlaceOrderUseCase).execute(manager, {
        eventId: placed.id as string,
        placedAt: placed.time as string,
        data: placed.data as unknown as OrderPlacedV1,
      }),
    );
    sequence += 1;
    const shipment = {
      ...exampleEvent('opsline.wms.shipment-confirmed.v1', {
        warehouseId: 'WH-1',
        shipmentId: 'S-RS1',
        orderId: 'ORD-RS1',
        lines: [{ lineId: 'L1', sku: 'SKU-1', quantity: 2 }],
      }),
      id: `runs-${sequence}`,
      subject: 'ORD-RS1',
      time: '2026-11-20T12:00:00.000Z',
    };

    await dataSource.transaction((manager) =>
      app
        .get(RecordOrderFactUseCase)
        .executeRun(
          manager,
          [consumed(stockReservedEvent('ORD-RS1', { L1: 2, L2: 1 })), consumed(shipment)],
          {
            topic: 'opsline.inventory',
          },
        ),
    );

    const [row]: { state: { status: string; history: { to: string }[] } }[] = await dataSource.query(
      `SELECT state FROM orders.orders WHERE order_id = 'ORD-RS1'`,
    );
    expect(row.state.status).toBe('PARTIALLY_SHIPPED');
    expect(row.state.history.map((transition) => transition.to)).toEqual(['ALLOCATED', 'PARTIALLY_SHIPPED']);
    const outbox: { event_type: string }[] = await dataSource.query(
      `SELECT event_type FROM orders.outbox WHERE message_key = 'ORD-RS1' ORDER BY id`,
    );
    expect(outbox.map((entry) => entry.event_type)).toEqual([
      'opsline.orders.order-placed.v1',
      'opsline.orders.order-allocated.v1',
      'opsline.orders.order-partially-shipped.v1',
    ]);
  });
});
