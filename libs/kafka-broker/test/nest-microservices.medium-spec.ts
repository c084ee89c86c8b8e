// Decorator metadata (design:paramtypes, used by Nest's constructor injection) needs the Reflect API.
import 'reflect-metadata';
import { Controller, Injectable, INestApplicationContext, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientKafka,
  ClientsModule,
  Ctx,
  EventPattern,
  KafkaContext,
  KafkaOptions,
  MessagePattern,
  Payload,
  Transport,
} from '@nestjs/microservices';
import { Kafka, logLevel } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { BrokerFixture, startTestBroker, waitFor } from './broker-fixture';

jest.setTimeout(60_000);

const EVENT_TOPIC = 'nest.order-placed';
const REQUEST_TOPIC = 'nest.quote-order';
const REPLY_TOPIC = `${REQUEST_TOPIC}.reply`;
const CLIENT_TOKEN = 'ORDERS_KAFKA_CLIENT';

interface OrderPlaced {
  orderId: string;
  lines: { sku: string; quantity: number }[];
}

interface QuoteRequest {
  orderId: string;
  lines: { sku: string; quantity: number; unitPrice: number }[];
}

interface Quote {
  orderId: string;
  total: number;
  quotedBy: string;
}

interface ReceivedEvent {
  payload: OrderPlaced;
  key: string | null;
  headers: Record<string, string>;
  topic: string;
  partition: number;
  offset: string;
}

/** Collects what the handlers saw; injected into the controller, so it also proves DI metadata works. */
@Injectable()
class Inbox {
  readonly events: ReceivedEvent[] = [];
  readonly requests: QuoteRequest[] = [];
}

/** Nest's KafkaParser decodes headers to strings (or JSON) but types them as the raw kafkajs values. */
function headerText(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString() : String(value);
}

@Controller()
class OrdersController {
  constructor(private readonly inbox: Inbox) {}

  @EventPattern(EVENT_TOPIC)
  orderPlaced(@Payload() payload: OrderPlaced, @Ctx() context: KafkaContext): void {
    const message = context.getMessage();
    const headers = Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([name, value]) => [name, headerText(value)]),
    );
    this.inbox.events.push({
      payload,
      // The parser has already decoded the key to a string (typed as Buffer | string | null).
      key: message.key === null ? null : headerText(message.key),
      headers,
      topic: context.getTopic(),
      partition: context.getPartition(),
      offset: message.offset,
    });
  }

  @MessagePattern(REQUEST_TOPIC)
  quote(@Payload() request: QuoteRequest): Quote {
    this.inbox.requests.push(request);
    const total = request.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
    return { orderId: request.orderId, total, quotedBy: 'orders-service' };
  }
}

@Module({ controllers: [OrdersController], providers: [Inbox] })
class OrdersModule {}

/** kafkajs only heartbeats between fetches, so maxWaitTimeInMs stays far below the session timeout. */
const consumerTimings = {
  sessionTimeout: 6000,
  heartbeatInterval: 500,
  rebalanceTimeout: 6000,
  maxWaitTimeInMs: 250,
};

function kafkaOptions(address: string, clientId: string, groupId: string): KafkaOptions['options'] {
  return {
    client: { clientId, brokers: [address], logLevel: logLevel.NOTHING },
    consumer: { groupId, ...consumerTimings },
    // Topics are created before anyone subscribes, so reading from the beginning misses nothing
    // that was produced before the group's first assignment.
    subscribe: { fromBeginning: true },
  };
}

let fixture: BrokerFixture;
let service: INestMicroservice | undefined;
let callerContext: INestApplicationContext | undefined;
let client: ClientKafka;

beforeAll(async () => {
  fixture = await startTestBroker();
  const address = fixture.broker.address;

  const kafka = new Kafka({ brokers: [address], clientId: 'nest-spec-admin', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: EVENT_TOPIC, numPartitions: 3 },
      { topic: REQUEST_TOPIC, numPartitions: 2 },
      { topic: REPLY_TOPIC, numPartitions: 2 },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();

  service = await NestFactory.createMicroservice<KafkaOptions>(OrdersModule, {
    transport: Transport.KAFKA,
    options: kafkaOptions(address, 'orders', 'orders'),
    logger: false,
  });
  await service.listen();

  @Module({
    imports: [
      ClientsModule.register([
        {
          name: CLIENT_TOKEN,
          transport: Transport.KAFKA,
          options: kafkaOptions(address, 'caller', 'caller'),
        },
      ]),
    ],
  })
  class CallerModule {}
  callerContext = await NestFactory.createApplicationContext(CallerModule, { logger: false });
  client = callerContext.get<ClientKafka>(CLIENT_TOKEN);
  // Request/reply: the client must consume `<topic>.reply` before it connects.
  client.subscribeToResponseOf(REQUEST_TOPIC);
  await client.connect();
  // `send` needs the reply partition the client's group was assigned; that arrives with GROUP_JOIN.
  await waitFor('the client group to be assigned a reply partition', () =>
    client.getConsumerAssignments()[REPLY_TOPIC] !== undefined ? true : undefined,
  );
});

afterAll(async () => {
  await client?.close();
  await callerContext?.close();
  await service?.close();
  await fixture?.stop();
});

describe('a NestJS Kafka microservice (ServerKafka) and ClientKafka against the broker', () => {
  it('injects controller dependencies, which needs decorator metadata emitted by ts-jest', () => {
    expect(Reflect.getMetadata('design:paramtypes', OrdersController)).toEqual([Inbox]);
    const inbox = service?.get(Inbox);
    expect(inbox).toBeInstanceOf(Inbox);
  });

  it('delivers an emitted event to the @EventPattern handler with its payload, key and headers', async () => {
    const inbox = service?.get(Inbox) as Inbox;
    const payload: OrderPlaced = { orderId: 'order-1001', lines: [{ sku: 'SKU-7', quantity: 3 }] };
    await firstValueFrom(
      client.emit(EVENT_TOPIC, {
        key: 'order-1001',
        value: payload,
        headers: { 'x-source-channel': 'webshop', 'x-trace-id': 'trace-42' },
      }),
    );

    const received = await waitFor('the event handler to run', () => inbox.events[0]);
    expect(received.payload).toEqual(payload);
    expect(received.key).toBe('order-1001');
    expect(received.headers).toMatchObject({ 'x-source-channel': 'webshop', 'x-trace-id': 'trace-42' });
    expect(received.topic).toBe(EVENT_TOPIC);
    expect([0, 1, 2]).toContain(received.partition);
    expect(received.offset).toBe('0');
  });

  it('keeps events with the same key in order on one partition', async () => {
    const inbox = service?.get(Inbox) as Inbox;
    const before = inbox.events.length;
    for (let i = 0; i < 10; i++) {
      await firstValueFrom(
        client.emit(EVENT_TOPIC, {
          key: 'order-2002',
          value: { orderId: 'order-2002', lines: [{ sku: `SKU-${i}`, quantity: i + 1 }] },
        }),
      );
    }
    const events = await waitFor('10 more events', () =>
      inbox.events.length >= before + 10 ? inbox.events.slice(before) : undefined,
    );
    expect(events.map((e) => e.payload.lines[0].sku)).toEqual(
      Array.from({ length: 10 }, (_, i) => `SKU-${i}`),
    );
    expect(new Set(events.map((e) => e.partition)).size).toBe(1);
  });

  it('answers a request sent to the @MessagePattern handler on the client reply topic', async () => {
    const inbox = service?.get(Inbox) as Inbox;
    const request: QuoteRequest = {
      orderId: 'order-3003',
      lines: [
        { sku: 'SKU-1', quantity: 2, unitPrice: 5 },
        { sku: 'SKU-2', quantity: 1, unitPrice: 12.5 },
      ],
    };
    const reply = await firstValueFrom(client.send<Quote, QuoteRequest>(REQUEST_TOPIC, request));
    expect(reply).toEqual({ orderId: 'order-3003', total: 22.5, quotedBy: 'orders-service' });
    expect(inbox.requests).toContainEqual(request);
  });

  it('matches concurrent replies to their requests by correlation id', async () => {
    const requests = Array.from({ length: 8 }, (_, i) => ({
      orderId: `order-4${i}`,
      lines: [{ sku: 'SKU-9', quantity: i + 1, unitPrice: 10 }],
    }));
    const replies = await Promise.all(
      requests.map((r) => firstValueFrom(client.send<Quote, QuoteRequest>(REQUEST_TOPIC, r))),
    );
    expect(replies).toEqual(
      requests.map((r, i) => ({ orderId: r.orderId, total: (i + 1) * 10, quotedBy: 'orders-service' })),
    );
  });
});
