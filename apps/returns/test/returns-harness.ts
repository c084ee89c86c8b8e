import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { exampleEvent, PlainCloudEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { randomUUID } from 'node:crypto';
import { BrokerFixture, startTestBroker, waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { ReturnsEnvironment } from '../src/returns.environment';
import { ReturnsModule } from '../src/returns.module';

/** A record read back from a topic. */
export interface Received {
  topic: string;
  key: string;
  value: { id: string; type: string; subject: string; data: Record<string, unknown> };
  headers: Record<string, string>;
}

export interface ReturnResource {
  returnId: string;
  orderId: string;
  status: string;
  rejectionReason?: string;
  channel?: string;
  refundedAmountMinor: number;
  lines: {
    lineId: string;
    quantity: number;
    unitPriceMinor?: number;
    authorizedQuantity: number;
    receivedQuantity: number;
    inspectedQuantity: number;
    refundedQuantity: number;
  }[];
  receipts: unknown[];
  inspections: unknown[];
  refunds: { amountMinor: number }[];
  history: { from: string | null; to: string; event: string }[];
}

const DAY = 86_400_000;

/** An ISO time `days` days before now. */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * DAY).toISOString();
}

/**
 * The returns service on its own database and test broker, with a producer and a reader of
 * `opsline.returns` and the dead-letter topics.
 */
export class ReturnsHarness {
  app!: NestFastifyApplication;
  readonly records: Received[] = [];
  private broker!: BrokerFixture;
  private db!: TestDatabase;
  private producer!: Producer;
  private consumer!: Consumer;

  async start(name: string, vars: Record<string, string> = {}): Promise<void> {
    [this.broker, this.db] = await Promise.all([startTestBroker(), createTestDatabase({ name })]);
    this.app = await startServiceForTest(
      { name: 'returns', Environment: ReturnsEnvironment, module: (env) => ReturnsModule.forRoot(env) },
      { DATABASE_URL: this.db.url, KAFKA_BROKERS: this.broker.broker.address, ...vars },
    );
    const kafka = new Kafka({
      brokers: [this.broker.broker.address],
      clientId: 'returns-test',
      logLevel: logLevel.NOTHING,
    });
    this.producer = kafka.producer({ allowAutoTopicCreation: true });
    await this.producer.connect();
    this.consumer = kafka.consumer({ groupId: `returns-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    for (const topic of ['opsline.returns', 'opsline.ingest.warehouse.dlq', 'opsline.ingest.returns.dlq']) {
      await this.consumer.subscribe({ topic, fromBeginning: true });
    }
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        this.records.push({
          topic,
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? '{}') as Received['value'],
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.app?.close();
    await this.db?.drop();
    await this.broker?.stop();
  }

  async produce(topic: string, event: PlainCloudEvent): Promise<void> {
    await this.producer.send({
      topic,
      messages: [{ key: String(event.subject), value: JSON.stringify(event) }],
    });
  }

  /** The domain events of a return on `opsline.returns`, by type suffix (`return-authorized`). */
  eventsOf(returnId: string, kind?: string): Received['value'][] {
    return this.records
      .filter((r) => r.topic === 'opsline.returns' && r.key === returnId)
      .filter((r) => kind === undefined || r.value.type === `opsline.returns.${kind}.v1`)
      .map((r) => r.value);
  }

  /** Waits for a dead letter on `topic` whose event id is `eventId`. */
  deadLetterOf(topic: string, eventId: string, timeoutMs = 30_000): Promise<Received> {
    return waitFor(
      `dead letter of ${eventId}`,
      () => this.records.find((r) => r.topic === topic && r.value.id === eventId),
      timeoutMs,
    );
  }

  async http(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await this.app.inject({
      method,
      url,
      headers: {
        authorization: 'Bearer dev-key',
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return {
      status: response.statusCode,
      body: (response.body === '' ? {} : response.json()) as Record<string, unknown>,
    };
  }

  async getReturn(returnId: string): Promise<ReturnResource | undefined> {
    const { status, body } = await this.http('GET', `/returns/${returnId}`);
    return status === 200 ? (body as unknown as ReturnResource) : undefined;
  }

  /** Waits until the return exists and `check` holds for it. */
  waitForReturn(
    returnId: string,
    check: (ret: ReturnResource) => boolean,
    timeoutMs = 30_000,
  ): Promise<ReturnResource> {
    return waitFor(
      `return ${returnId}`,
      async () => {
        const ret = await this.getReturn(returnId);
        return ret !== undefined && check(ret) ? ret : undefined;
      },
      timeoutMs,
    );
  }
}

/** `opsline.orders.order-placed.v1` of the example order (line 1: 2 × SKU-42 at 1999; line 2: 1 × SKU-7 at 0). */
export function orderPlaced(orderId: string, channel = 'webshop'): PlainCloudEvent {
  const event = exampleEvent('opsline.orders.order-placed.v1');
  return {
    ...event,
    id: randomUUID(),
    subject: orderId,
    data: { ...event.data, orderId, channel, placedAt: daysAgo(5) },
  };
}

/** `opsline.orders.order-partially-shipped.v1`: line 1 (2 units) shipped at `shippedAt`, line 2 not. */
export function orderPartiallyShipped(orderId: string, shippedAt: string): PlainCloudEvent {
  const event = exampleEvent('opsline.orders.order-partially-shipped.v1');
  return {
    ...event,
    id: randomUUID(),
    subject: orderId,
    data: {
      ...event.data,
      orderId,
      shipmentId: `${orderId}-S1`,
      shippedAt,
      lastShipmentAt: shippedAt,
      occurredAt: shippedAt,
    },
  };
}

/** `opsline.orders.order-shipped.v1`: every unit shipped, the shipment carrying `lines` at `shippedAt`. */
export function orderShipped(
  orderId: string,
  shippedAt: string,
  shipmentId = `${orderId}-S1`,
  channel = 'webshop',
  lines = [
    { lineId: '1', sku: 'SKU-42', quantity: 2 },
    { lineId: '2', sku: 'SKU-7', quantity: 1 },
  ],
): PlainCloudEvent {
  const event = exampleEvent('opsline.orders.order-shipped.v1');
  return {
    ...event,
    id: randomUUID(),
    subject: orderId,
    data: {
      ...event.data,
      orderId,
      channel,
      shipmentId,
      shippedAt,
      lastShipmentAt: shippedAt,
      occurredAt: shippedAt,
      shipmentLines: lines,
    },
  };
}

/** `opsline.return.requested.v1` at `time`. */
export function returnRequested(
  returnId: string,
  orderId: string,
  lines: { lineId: string; sku: string; quantity: number; reasonCode: string }[],
  time: string,
  id: string = randomUUID(),
): PlainCloudEvent {
  return {
    ...exampleEvent('opsline.return.requested.v1', { returnId, orderId, lines }),
    id,
    subject: returnId,
    time,
  };
}

/** `opsline.wms.return-received.v1`. */
export function returnReceived(
  returnId: string,
  lines: { lineId: string; sku: string; quantity: number }[],
  id: string = randomUUID(),
): PlainCloudEvent {
  return {
    ...exampleEvent('opsline.wms.return-received.v1', { warehouseId: 'WH-1', returnId, lines }),
    id,
    subject: returnId,
    time: daysAgo(0.5),
  };
}

/** `opsline.wms.return-inspected.v1`. */
export function returnInspected(
  returnId: string,
  lines: {
    lineId: string;
    sku: string;
    quantity: number;
    disposition: string;
    recoveredValueMinor: number;
  }[],
  id: string = randomUUID(),
): PlainCloudEvent {
  return {
    ...exampleEvent('opsline.wms.return-inspected.v1', { warehouseId: 'WH-1', returnId, lines }),
    id,
    subject: returnId,
    time: daysAgo(0.25),
  };
}
