import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, IHeaders, Kafka, logLevel, Producer } from 'kafkajs';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { DataSource } from 'typeorm';
import { BrokerFixture, startTestBroker, waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { OrdersEnvironment } from '../src/orders.environment';
import { OrdersModule } from '../src/orders.module';

jest.setTimeout(120_000);

interface Published {
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

interface DeadLetter {
  key: string;
  headers: Record<string, string>;
}

interface OrderResource {
  status: string;
  lines: {
    lineId: string;
    shippedQuantity: number;
    cancelledQuantity: number;
    reservedAtFirstAttempt: number | null;
  }[];
  shipments: { shipmentId: string }[];
  history: { from: string; to: string }[];
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
  const kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'lifecycle',
    logLevel: logLevel.NOTHING,
  });
  producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  consumer = kafka.consumer({ groupId: `lifecycle-reader-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({
    topics: ['opsline.orders', 'opsline.ingest.warehouse.dlq'],
    fromBeginning: true,
  });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      if (topic === 'opsline.orders') {
        published.push(JSON.parse(message.value?.toString() ?? '{}') as Published);
      } else {
        deadLetters.push({ key: message.key?.toString() ?? '', headers: stringHeaders(message.headers) });
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

async function send(
  topic: string,
  type: Parameters<typeof exampleEvent>[0],
  data: Record<string, unknown>,
  time: string,
) {
  sequence += 1;
  const orderId = data.orderId as string;
  const event = { ...exampleEvent(type, data), id: `lifecycle-${sequence}`, subject: orderId, time };
  const [sent] = await producer.send({ topic, messages: [{ key: orderId, value: JSON.stringify(event) }] });
  return sent;
}

/** Resolves once the orders service's consumer group has committed past the sent message. */
async function consumedPast(topic: string, sent: { partition: number; baseOffset?: string }): Promise<void> {
  const admin = new Kafka({ brokers: [broker.broker.address], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await waitFor(`opsline-orders past ${topic} offset ${sent.baseOffset}`, async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: 'opsline-orders', topics: [topic] });
      const committed = offsets.partitions.find((p) => p.partition === sent.partition)?.offset ?? '-1';
      return Number(committed) > Number(sent.baseOffset) ? true : undefined;
    });
  } finally {
    await admin.disconnect();
  }
}

const place = (orderId: string) =>
  send(
    'opsline.ingest.orders',
    'opsline.order.placed.v1',
    {
      orderId,
      channel: 'webshop',
      currency: 'EUR',
      promisedShipBy: '2026-11-21T16:00:00.000Z',
      warehouseId: 'WH-1',
      lines: [
        { lineId: 'L1', sku: 'SKU-1', quantity: 2, unitPriceMinor: 1000 },
        { lineId: 'L2', sku: 'SKU-2', quantity: 1, unitPriceMinor: 500 },
      ],
    },
    '2026-11-20T10:00:00.000Z',
  );

const ship = (orderId: string, shipmentId: string, lines: Record<string, number>, time: string) =>
  send(
    'opsline.ingest.warehouse',
    'opsline.wms.shipment-confirmed.v1',
    {
      warehouseId: 'WH-1',
      shipmentId,
      orderId,
      lines: Object.entries(lines).map(([lineId, quantity]) => ({
        lineId,
        sku: lineId === 'L1' ? 'SKU-1' : 'SKU-2',
        quantity,
      })),
    },
    time,
  );

async function getOrder(orderId: string): Promise<{ status: number; body: OrderResource }> {
  const response = await app.inject({
    method: 'GET',
    url: `/orders/${orderId}`,
    headers: { authorization: 'Bearer dev-key' },
  });
  return { status: response.statusCode, body: response.json() as OrderResource };
}

function orderIn(orderId: string, status: string): () => Promise<OrderResource | undefined> {
  return async () => {
    const { status: code, body } = await getOrder(orderId);
    return code === 200 && body.status === status ? body : undefined;
  };
}

function publishedOf(type: string, orderId: string): () => Published[] | undefined {
  return () => {
    const found = published.filter((event) => event.type === type && event.subject === orderId);
    return found.length > 0 ? found : undefined;
  };
}

async function cancelViaApi(orderId: string) {
  const response = await app.inject({
    method: 'POST',
    url: `/orders/${orderId}/cancel`,
    headers: { authorization: 'Bearer dev-key', 'content-type': 'application/json' },
    payload: { reason: 'customer request' },
  });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

describe('the order lifecycle', () => {
  it('allocates, partially ships and ships an order, announcing each step on opsline.orders', async () => {
    await place('ORD-F');
    await waitFor('ORD-F placed', orderIn('ORD-F', 'PLACED'));
    await send(
      'opsline.inventory',
      'opsline.inventory.stock-reserved.v1',
      {
        orderId: 'ORD-F',
        warehouseId: 'WH-1',
        reservedAt: '2026-11-20T10:00:00.000Z',
        cause: 'allocation',
        trigger: 'allocation',
        lines: [
          { lineId: 'L1', sku: 'SKU-1', quantity: 2 },
          { lineId: 'L2', sku: 'SKU-2', quantity: 1 },
        ],
        firstAttempt: [
          { lineId: 'L1', sku: 'SKU-1', ordered: 2, reserved: 2, backordered: 0 },
          { lineId: 'L2', sku: 'SKU-2', ordered: 1, reserved: 1, backordered: 0 },
        ],
      },
      '2026-11-20T10:00:01.000Z',
    );
    const allocated = await waitFor('ORD-F allocated', orderIn('ORD-F', 'ALLOCATED'), 20_000);
    expect(allocated.lines.map((line) => line.reservedAtFirstAttempt)).toEqual([2, 1]);
    const [allocatedEvent] = await waitFor(
      'order-allocated',
      publishedOf('opsline.orders.order-allocated.v1', 'ORD-F'),
    );
    expect(allocatedEvent.data).toMatchObject({
      status: 'ALLOCATED',
      attempt: 1,
      firstAttempt: true,
      warehouseId: 'WH-1',
    });

    await ship('ORD-F', 'S-F1', { L1: 2 }, '2026-11-20T12:00:00.000Z');
    await waitFor('ORD-F partially shipped', orderIn('ORD-F', 'PARTIALLY_SHIPPED'), 20_000);
    await waitFor(
      'order-partially-shipped',
      publishedOf('opsline.orders.order-partially-shipped.v1', 'ORD-F'),
    );

    await ship('ORD-F', 'S-F2', { L2: 1 }, '2026-11-20T13:00:00.000Z');
    const shipped = await waitFor('ORD-F shipped', orderIn('ORD-F', 'SHIPPED'), 20_000);
    expect(shipped.lines.map((line) => line.shippedQuantity)).toEqual([2, 1]);
    expect(shipped.history.map((t) => t.to)).toEqual(['ALLOCATED', 'PARTIALLY_SHIPPED', 'SHIPPED']);
    const [shippedEvent] = await waitFor(
      'order-shipped',
      publishedOf('opsline.orders.order-shipped.v1', 'ORD-F'),
    );
    expect(shippedEvent.data).toMatchObject({
      status: 'SHIPPED',
      isComplete: true,
      shipmentCount: 2,
      onTime: true,
    });
  });

  it('allocates a backordered order when inventory fills its backorder, once however often the fill is sent', async () => {
    await place('ORD-BF');
    await waitFor('ORD-BF placed', orderIn('ORD-BF', 'PLACED'));
    await send(
      'opsline.inventory',
      'opsline.inventory.stock-backordered.v1',
      {
        orderId: 'ORD-BF',
        warehouseId: 'WH-1',
        placedAt: '2026-11-20T10:00:00.000Z',
        lines: [{ lineId: 'L2', sku: 'SKU-2', quantity: 1 }],
        firstAttempt: [
          { lineId: 'L1', sku: 'SKU-1', ordered: 2, reserved: 2, backordered: 0 },
          { lineId: 'L2', sku: 'SKU-2', ordered: 1, reserved: 0, backordered: 1 },
        ],
      },
      '2026-11-20T10:00:01.000Z',
    );
    await waitFor('ORD-BF backordered', orderIn('ORD-BF', 'BACKORDERED'), 20_000);
    const fill = {
      orderId: 'ORD-BF',
      warehouseId: 'WH-1',
      reservedAt: '2026-11-20T12:00:00.000Z',
      cause: 'backorder-fill',
      trigger: 'receipt:GR-9',
      lines: [{ lineId: 'L2', sku: 'SKU-2', quantity: 1 }],
    };
    await send('opsline.inventory', 'opsline.inventory.stock-reserved.v1', fill, '2026-11-20T12:00:01.000Z');
    const resent = await send(
      'opsline.inventory',
      'opsline.inventory.stock-reserved.v1',
      fill,
      '2026-11-20T12:00:02.000Z',
    );
    const allocated = await waitFor('ORD-BF allocated', orderIn('ORD-BF', 'ALLOCATED'), 20_000);
    expect(allocated.lines.map((line) => line.reservedAtFirstAttempt)).toEqual([2, 0]);
    const [event] = await waitFor(
      'order-allocated',
      publishedOf('opsline.orders.order-allocated.v1', 'ORD-BF'),
    );
    expect(event.data).toMatchObject({
      status: 'ALLOCATED',
      wasBackorderedAtFirstAttempt: true,
      occurredAt: fill.reservedAt,
    });
    await consumedPast('opsline.inventory', resent);
    expect((await getOrder('ORD-BF')).body.status).toBe('ALLOCATED');
    expect(publishedOf('opsline.orders.order-allocated.v1', 'ORD-BF')()).toHaveLength(1);
  });

  it('refuses to cancel a shipped order over HTTP with 409 ORDER.ALREADY_SHIPPED', async () => {
    await waitFor('ORD-F shipped', orderIn('ORD-F', 'SHIPPED'), 20_000);

    const { status, body } = await cancelViaApi('ORD-F');

    expect(status).toBe(409);
    expect(body).toMatchObject({ error: { code: 'ORDER.ALREADY_SHIPPED' } });
  });

  it('answers 404 to cancelling an unknown order and cancels a placed one over HTTP', async () => {
    expect((await cancelViaApi('ORD-NOPE')).status).toBe(404);
    await place('ORD-H');
    await waitFor('ORD-H placed', orderIn('ORD-H', 'PLACED'));

    expect(await cancelViaApi('ORD-H')).toEqual({
      status: 200,
      body: { orderId: 'ORD-H', status: 'CANCELLED' },
    });
  });

  it('cancels a partially shipped order: shipped units stay shipped, the rest is cancelled', async () => {
    await place('ORD-C');
    await ship('ORD-C', 'S-C1', { L1: 1 }, '2026-11-20T11:00:00.000Z');
    await waitFor('ORD-C partially shipped', orderIn('ORD-C', 'PARTIALLY_SHIPPED'), 20_000);
    await send(
      'opsline.ingest.orders',
      'opsline.order.cancelled.v1',
      { orderId: 'ORD-C', reason: 'customer request' },
      '2026-11-20T11:30:00.000Z',
    );

    const cancelled = await waitFor('ORD-C cancelled', orderIn('ORD-C', 'CANCELLED'), 20_000);
    expect(cancelled.lines.map((l) => [l.shippedQuantity, l.cancelledQuantity])).toEqual([
      [1, 1],
      [0, 1],
    ]);
    const [event] = await waitFor(
      'order-cancelled',
      publishedOf('opsline.orders.order-cancelled.v1', 'ORD-C'),
    );
    expect(event.data).toMatchObject({
      status: 'CANCELLED',
      unitsCancelled: [
        { lineId: 'L1', quantity: 1 },
        { lineId: 'L2', quantity: 1 },
      ],
    });
  });

  it('parks a shipment that arrives before its order and applies it when the order arrives', async () => {
    await ship('ORD-P', 'S-P1', { L1: 2, L2: 1 }, '2026-11-20T12:00:00.000Z');
    await waitFor('the shipment parked', async () => {
      const rows: unknown[] = await app
        .get(DataSource)
        .query(`SELECT 1 FROM orders.parked_events WHERE order_id = 'ORD-P'`);
      return rows.length > 0 ? rows : undefined;
    });
    expect((await getOrder('ORD-P')).status).toBe(404);

    await place('ORD-P');

    const order = await waitFor('ORD-P shipped', orderIn('ORD-P', 'SHIPPED'), 20_000);
    expect(order.shipments.map((s) => s.shipmentId)).toEqual(['S-P1']);
    await waitFor('order-shipped', publishedOf('opsline.orders.order-shipped.v1', 'ORD-P'));
    const left: unknown[] = await app
      .get(DataSource)
      .query(`SELECT 1 FROM orders.parked_events WHERE order_id = 'ORD-P'`);
    expect(left).toEqual([]);
  });

  it('dead-letters a shipment of a line the order does not have, with the refusal code as reason', async () => {
    await place('ORD-U');
    await waitFor('ORD-U placed', orderIn('ORD-U', 'PLACED'));
    await send(
      'opsline.ingest.warehouse',
      'opsline.wms.shipment-confirmed.v1',
      {
        warehouseId: 'WH-1',
        shipmentId: 'S-U1',
        orderId: 'ORD-U',
        lines: [{ lineId: 'L9', sku: 'SKU-9', quantity: 1 }],
      },
      '2026-11-20T12:00:00.000Z',
    );

    const dead = await waitFor(
      'the dead letter',
      () => deadLetters.find((letter) => letter.key === 'ORD-U'),
      30_000,
    );
    expect(dead.headers['opsline-dlq-error']).toContain('ORDER.UNKNOWN_LINE');
    expect((await getOrder('ORD-U')).body.status).toBe('PLACED');
  });
});
