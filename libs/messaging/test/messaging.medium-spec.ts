import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { parseCloudEventBytes } from '@opsline/contracts';
import { createTestDatabase, MigratedTestDatabase } from '@opsline/persistence/testing';
import { BrokerFixture, startTestBroker, waitFor } from '../../kafka-broker/test/broker-fixture';
import { BatchConsumer } from '../src/consumer/batch-consumer';
import { eventHeaders } from '../src/event-headers';
import { ConsumedEvent, EventHandlerFn, EventParser } from '../src/consumer/consumed-event';
import { DeadLetterHeader, DeadLetterPublisher } from '../src/consumer/dead-letter-publisher';
import { silentMessagingLogger } from '../src/messaging-logger';
import { Outbox } from '../src/outbox/outbox';
import { OutboxRelay } from '../src/outbox/outbox-relay';
import { TEST_MIGRATIONS, TEST_SCHEMA } from './messaging-fixture';

jest.setTimeout(60_000);

let broker: BrokerFixture;
let db: MigratedTestDatabase;
let kafka: Kafka;
let producer: Producer;
const parse: EventParser = (value) => parseCloudEventBytes(value) as ReturnType<EventParser>;

beforeAll(async () => {
  [broker, db] = await Promise.all([
    startTestBroker(),
    createTestDatabase({ name: __filename, migrate: { schema: TEST_SCHEMA, migrations: TEST_MIGRATIONS } }),
  ]);
  kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'messaging-spec',
    logLevel: logLevel.NOTHING,
  });
  producer = kafka.producer({ maxInFlightRequests: 1 });
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await db.drop();
  await broker.stop();
});

function orderPlaced(orderId: string, suffix = orderId): Record<string, unknown> {
  const event = exampleEvent('opsline.order.placed.v1');
  return { ...event, id: `evt-${suffix}`, subject: orderId, data: { ...event.data, orderId } };
}

/** Reads every record of a topic from the beginning until `count` have arrived. */
async function readTopic(
  topic: string,
  count: number,
): Promise<{ partition: number; message: KafkaMessage }[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  const seen: { partition: number; message: KafkaMessage }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => void seen.push({ partition, message }),
  });
  await waitFor(`${count} records on ${topic}`, () => (seen.length >= count ? true : undefined));
  await consumer.disconnect();
  return seen;
}

async function appliedCount(eventId?: string): Promise<number> {
  const rows: { n: string }[] = await db.dataSource.query(
    `SELECT count(*) AS n FROM ${TEST_SCHEMA}.applied_events ${eventId === undefined ? '' : 'WHERE event_id = $1'}`,
    eventId === undefined ? [] : [eventId],
  );
  return Number(rows[0].n);
}

/** A relay of the test schema's outbox, publishing with the shared producer. */
async function startRelay(idleCheckIntervalMs?: number): Promise<OutboxRelay> {
  const relay = new OutboxRelay({
    databaseUrl: db.url,
    schema: TEST_SCHEMA,
    producer,
    logger: silentMessagingLogger,
    idleCheckIntervalMs,
  });
  await relay.start();
  return relay;
}

describe('transactional outbox', () => {
  it('publishes committed events in commit order keyed by aggregate, woken by the commit, and nothing of a rolled-back transaction', async () => {
    const topic = 'outbox-order';
    // No polling to speak of: only the NOTIFY at commit can wake the relay within the test's deadline.
    const relay = await startRelay(60_000);
    const outbox = new Outbox(TEST_SCHEMA);
    await db.dataSource.transaction((manager) =>
      outbox.add(
        manager,
        [1, 2, 3].map((i) => ({ topic, event: orderPlaced('ORD-A', `a${i}`) as never })),
      ),
    );
    await expect(
      db.dataSource.transaction(async (manager) => {
        await outbox.add(manager, [{ topic, event: orderPlaced('ORD-ROLLED-BACK') as never }]);
        throw new Error('use case failed after writing its events');
      }),
    ).rejects.toThrow('use case failed');
    await db.dataSource.transaction((manager) =>
      outbox.add(
        manager,
        [4, 5].map((i) => ({ topic, event: orderPlaced('ORD-A', `a${i}`) as never })),
      ),
    );

    const records = await readTopic(topic, 5);
    await relay.stop();
    expect(records.map((r) => r.message.key?.toString())).toEqual([
      'ORD-A',
      'ORD-A',
      'ORD-A',
      'ORD-A',
      'ORD-A',
    ]);
    expect(records.map((r) => JSON.parse(String(r.message.value)).id)).toEqual([
      'evt-a1',
      'evt-a2',
      'evt-a3',
      'evt-a4',
      'evt-a5',
    ]);
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);
    expect(String(records[0].message.headers?.['content-type'])).toBe('application/cloudevents+json');
    expect(records.map((r) => String(r.message.headers?.ce_type))).toEqual(
      records.map((r) => (JSON.parse(String(r.message.value)) as { type: string }).type),
    );
    const pending: { n: string }[] = await db.dataSource.query(
      `SELECT count(*) AS n FROM ${TEST_SCHEMA}.outbox WHERE published_at IS NULL`,
    );
    expect(Number(pending[0].n)).toBe(0);
  });

  it('keeps publishing after its database sessions are ended again and again, however the ends fall', async () => {
    const topic = 'outbox-terminated';
    const relay = await startRelay(50);
    // Ends land while the relay takes its lock, publishes or waits: a session that fails between the
    // pool handing it out and its first query must not keep its place in the relay's pool of two.
    for (let round = 0; round < 40; round++) {
      await db.dataSource.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name LIKE $1 AND pid <> pg_backend_pid()`,
        [`${TEST_SCHEMA}-outbox-%`],
      );
      await new Promise((resolve) => setTimeout(resolve, (round % 7) * 15));
    }
    const outbox = new Outbox(TEST_SCHEMA);
    await db.dataSource.transaction((manager) =>
      outbox.add(manager, [{ topic, event: orderPlaced('ORD-T', 't1') as never }]),
    );
    const records = await readTopic(topic, 1);
    await relay.stop();
    expect(records.map((r) => JSON.parse(String(r.message.value)).id)).toEqual(['evt-t1']);
  });

  it('publishes events committed by a process killed before it could publish them, once the relay runs', async () => {
    const topic = 'outbox-crash';
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, 'commit-then-hang.ts'),
        db.url,
        topic,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await waitFor('the child to commit', () =>
      child.stdout?.read()?.toString().includes('committed') ? true : undefined,
    );
    child.kill('SIGKILL');
    await once(child, 'exit');

    const relay = await startRelay();
    const records = await readTopic(topic, 3);
    await relay.stop();
    expect(records.map((r) => JSON.parse(String(r.message.value)).id).sort()).toEqual([
      'crash-1',
      'crash-2',
      'crash-3',
    ]);
  });
});

describe('batch consumer with inbox and dead letters', () => {
  async function runConsumer(
    topic: string,
    handler: EventHandlerFn,
    groupId = `group-${topic}`,
  ): Promise<BatchConsumer> {
    const consumer = new BatchConsumer({
      kafka,
      groupId,
      topics: [topic],
      handlers: new Map([['opsline.order.placed.v1', handler]]),
      dataSource: db.dataSource,
      schema: TEST_SCHEMA,
      parse,
      deadLetters: new DeadLetterPublisher(producer, silentMessagingLogger),
      logger: silentMessagingLogger,
      retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 },
      maxWaitTimeMs: 100,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
    });
    await consumer.start();
    return consumer;
  }

  const recordApplied: EventHandlerFn = async (event: ConsumedEvent, { manager }) => {
    await manager.query(`INSERT INTO ${TEST_SCHEMA}.applied_events (event_id, subject) VALUES ($1, $2)`, [
      event.id,
      event.subject,
    ]);
  };

  async function send(topic: string, values: (string | Buffer)[], key = 'ORD-K'): Promise<void> {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key, value })) });
  }

  it('applies a duplicated and a redelivered event once', async () => {
    const topic = 'inbox-dupes';
    const once1 = JSON.stringify(orderPlaced('ORD-D1', 'dup-1'));
    await send(topic, [once1, once1, JSON.stringify(orderPlaced('ORD-D2', 'dup-2'))]);
    const first = await runConsumer(topic, recordApplied);
    await waitFor('both events applied', async () =>
      (await appliedCount('evt-dup-2')) === 1 ? true : undefined,
    );
    await first.stop();

    // The group re-reads the topic from the start (as after a crash before its commit): the inbox makes it a no-op.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: `group-${topic}`, topic, earliest: true });
    await admin.disconnect();
    await send(topic, [JSON.stringify(orderPlaced('ORD-D3', 'dup-3'))]);
    const second = await runConsumer(topic, recordApplied);
    await waitFor('the later event applied', async () =>
      (await appliedCount('evt-dup-3')) === 1 ? true : undefined,
    );
    await second.stop();

    expect(await appliedCount('evt-dup-1')).toBe(1);
    expect(await appliedCount('evt-dup-2')).toBe(1);
  });

  it('dead-letters an unparseable and an invalid event with the original bytes and keeps the partition moving', async () => {
    const topic = 'poison';
    const invalid = orderPlaced('ORD-P2', 'invalid');
    (invalid.data as { lines: unknown[] }).lines = [];
    await send(topic, [
      Buffer.from('{not json'),
      JSON.stringify(invalid),
      JSON.stringify(orderPlaced('ORD-P3', 'after-poison')),
    ]);
    const consumer = await runConsumer(topic, recordApplied);
    await waitFor('the event after the poison applied', async () =>
      (await appliedCount('evt-after-poison')) === 1 ? true : undefined,
    );
    const dead = await readTopic(`${topic}.dlq`, 2);
    await consumer.stop();

    expect(dead.map((d) => String(d.message.value))).toEqual(['{not json', JSON.stringify(invalid)]);
    const headers = dead.map((d) => d.message.headers ?? {});
    expect(headers.map((h) => String(h[DeadLetterHeader.reason]))).toEqual([
      'invalid-event',
      'invalid-event',
    ]);
    expect(headers.map((h) => String(h[DeadLetterHeader.sourceTopic]))).toEqual([topic, topic]);
    expect(headers.map((h) => String(h[DeadLetterHeader.sourceOffset]))).toEqual(['0', '1']);
    expect(String(headers[1][DeadLetterHeader.error])).toContain('data.lines');
  });

  it('passes over a type it does not handle, named in the ce_type header, without reading it', async () => {
    const topic = 'typed-headers';
    const placed = (id: string) => JSON.stringify(orderPlaced(`ORD-${id}`, id));
    await producer.send({
      topic,
      acks: -1,
      messages: [
        // Not handled here and not even JSON: passed over, not dead-lettered (a group handling the type would).
        { key: 'ORD-T', value: '{not json', headers: eventHeaders('opsline.order.cancelled.v1') },
        // Handled, named in the header: read and applied.
        { key: 'ORD-T', value: placed('typed-1'), headers: eventHeaders('opsline.order.placed.v1') },
        // No header: read as before, so an unparseable value is still dead-lettered.
        { key: 'ORD-T', value: '{also not json' },
        { key: 'ORD-T', value: placed('typed-2') },
      ],
    });
    const consumer = await runConsumer(topic, recordApplied);
    await waitFor('the last event applied', async () =>
      (await appliedCount('evt-typed-2')) === 1 ? true : undefined,
    );
    const dead = await readTopic(`${topic}.dlq`, 1);
    await consumer.stop();
    const admin = kafka.admin();
    await admin.connect();
    const deadOffsets = await admin.fetchTopicOffsets(`${topic}.dlq`);
    await admin.disconnect();

    expect(await appliedCount('evt-typed-1')).toBe(1);
    expect(deadOffsets.reduce((sum, { high }) => sum + Number(high), 0)).toBe(1);
    expect(dead.map((d) => String(d.message.value))).toEqual(['{also not json']);
    expect(dead.map((d) => String(d.message.headers?.[DeadLetterHeader.sourceOffset]))).toEqual(['2']);
  });

  it('retries a throwing handler with backoff, then dead-letters the event and applies the next one', async () => {
    const topic = 'throwing-handler';
    await send(topic, [
      JSON.stringify(orderPlaced('ORD-T1', 'explodes')),
      JSON.stringify(orderPlaced('ORD-T2', 'fine')),
    ]);
    const attempts: string[] = [];
    const consumer = await runConsumer(topic, async (event, context) => {
      attempts.push(event.id);
      if (event.id === 'evt-explodes') throw new Error('inventory rule violated');
      await recordApplied(event, context);
    });
    const dead = await readTopic(`${topic}.dlq`, 1);
    await waitFor('the next event applied', async () =>
      (await appliedCount('evt-fine')) === 1 ? true : undefined,
    );
    await consumer.stop();

    // Once inside the batch's transaction (which rolled back as a whole), then 3 times on its own.
    expect(attempts.filter((id) => id === 'evt-explodes')).toHaveLength(1 + 3);
    expect(attempts.filter((id) => id === 'evt-fine')).toHaveLength(1);
    expect(await appliedCount('evt-fine')).toBe(1);
    expect(await appliedCount('evt-explodes')).toBe(0);
    expect(String(dead[0].message.headers?.[DeadLetterHeader.reason])).toBe('handler-failed');
    expect(String(dead[0].message.headers?.[DeadLetterHeader.error])).toBe('inventory rule violated');
    expect(String(dead[0].message.headers?.[DeadLetterHeader.attempts])).toBe('3');
  });

  it('calls beforeRun first in each transaction with the events it will apply, duplicates and applied ones left out', async () => {
    const topic = 'before-run';
    const seen: string[] = [];
    const consumer = new BatchConsumer({
      kafka,
      groupId: `group-${topic}`,
      topics: [topic],
      handlers: new Map([
        [
          'opsline.order.placed.v1',
          async (event, context) => {
            seen.push(`handle ${event.id}`);
            await recordApplied(event, context);
          },
        ],
      ]),
      beforeRun: async (events, { manager, topic: from }) => {
        // inside the run's transaction, after the inbox claim
        const [{ claimed }] = (await manager.query(
          `SELECT count(*)::int AS claimed FROM ${TEST_SCHEMA}.inbox WHERE event_id = ANY($1::text[])`,
          [events.map((e) => e.id)],
        )) as { claimed: number }[];
        seen.push(`prepare ${from} ${events.map((e) => e.id).join(',')} claimed ${claimed}`);
      },
      dataSource: db.dataSource,
      schema: TEST_SCHEMA,
      parse,
      deadLetters: new DeadLetterPublisher(producer, silentMessagingLogger),
      logger: silentMessagingLogger,
      maxWaitTimeMs: 100,
    });
    await send(topic, [JSON.stringify(orderPlaced('ORD-P1', 'prepared-1'))]);
    await consumer.start();
    await waitFor('the first event applied', async () =>
      (await appliedCount('evt-prepared-1')) === 1 ? true : undefined,
    );
    // a redelivery of the applied event, and a new event sent twice
    await send(topic, [
      JSON.stringify(orderPlaced('ORD-P1', 'prepared-1')),
      JSON.stringify(orderPlaced('ORD-P2', 'prepared-2')),
      JSON.stringify(orderPlaced('ORD-P2', 'prepared-2')),
    ]);
    await waitFor('the second event applied', async () =>
      (await appliedCount('evt-prepared-2')) === 1 ? true : undefined,
    );
    await consumer.stop();
    expect(seen).toEqual([
      `prepare ${topic} evt-prepared-1 claimed 1`,
      'handle evt-prepared-1',
      `prepare ${topic} evt-prepared-2 claimed 1`,
      'handle evt-prepared-2',
    ]);
  });

  it('hands consecutive events of a batch-handled type to its handler together, once each, in offset order', async () => {
    const topic = 'batch-handled';
    await send(
      topic,
      [1, 2, 3, 2].map((i) => JSON.stringify(orderPlaced(`ORD-B${i}`, `batch-${i}`))),
    );
    const calls: string[][] = [];
    const consumer = new BatchConsumer({
      kafka,
      groupId: `group-${topic}`,
      topics: [topic],
      handlers: new Map(),
      batchHandlers: new Map([
        [
          'opsline.order.placed.v1',
          async (events, { manager }) => {
            calls.push(events.map((e) => e.id));
            for (const event of events)
              await recordApplied(event, { manager, topic, partition: 0, offset: '0', headers: {} });
          },
        ],
      ]),
      dataSource: db.dataSource,
      schema: TEST_SCHEMA,
      parse,
      deadLetters: new DeadLetterPublisher(producer, silentMessagingLogger),
      logger: silentMessagingLogger,
      maxWaitTimeMs: 100,
    });
    await consumer.start();
    await waitFor('the batch applied', async () =>
      (await appliedCount('evt-batch-3')) === 1 ? true : undefined,
    );
    await consumer.stop();
    expect(calls).toEqual([['evt-batch-1', 'evt-batch-2', 'evt-batch-3']]);
    expect(await appliedCount('evt-batch-2')).toBe(1);
  });
});
