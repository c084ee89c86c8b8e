import { parseCloudEventBytes } from '@opsline/contracts';
import { waitFor } from '../../kafka-broker/test/broker-fixture';
import { BatchConsumer } from '../src/consumer/batch-consumer';
import { eventHeaders } from '../src/event-headers';
import { ConsumedEvent, EventHandlerFn, EventParser } from '../src/consumer/consumed-event';
import { DeadLetterHeader, DeadLetterPublisher } from '../src/consumer/dead-letter-publisher';
import { silentMessagingLogger } from '../src/messaging-logger';
import { orderPlaced, readTopic, TEST_SCHEMA, useMessagingStack } from './messaging-fixture';

jest.setTimeout(60_000);

const stack = useMessagingStack(__filename);

const parse: EventParser = (value) => parseCloudEventBytes(value) as ReturnType<EventParser>;

async function appliedCount(eventId?: string): Promise<number> {
  const rows: { n: string }[] = await stack.db.dataSource.query(
    `SELECT count(*) AS n FROM ${TEST_SCHEMA}.applied_events ${eventId === undefined ? '' : 'WHERE event_id = $1'}`,
    eventId === undefined ? [] : [eventId],
  );
  return Number(rows[0].n);
}

describe('batch consumer with inbox and dead letters', () => {
  /** The options every consumer here shares: the stack, the test schema's inbox, the contract's parser. */
  function optionsFor(topic: string, groupId = `group-${topic}`) {
    return {
      kafka: stack.kafka,
      groupId,
      topics: [topic],
      dataSource: stack.db.dataSource,
      schema: TEST_SCHEMA,
      parse,
      deadLetters: new DeadLetterPublisher(stack.producer, silentMessagingLogger),
      logger: silentMessagingLogger,
    };
  }

  async function runConsumer(
    topic: string,
    handler: EventHandlerFn,
    groupId = `group-${topic}`,
  ): Promise<BatchConsumer> {
    const consumer = new BatchConsumer({
      ...optionsFor(topic, groupId),
      handlers: new Map([['opsline.order.placed.v1', handler]]),
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

  /** A consumer of `topic` whose batch handler tells `onRun` each run it is handed, then applies it. */
  function batchHandledConsumer(
    topic: string,
    onRun: (events: readonly ConsumedEvent[]) => void,
    fetch: { maxWaitTimeMs: number; minBytes?: number },
  ): BatchConsumer {
    return new BatchConsumer({
      ...optionsFor(topic),
      handlers: new Map(),
      batchHandlers: new Map([
        [
          'opsline.order.placed.v1',
          async (events, { manager }) => {
            onRun(events);
            for (const event of events)
              await recordApplied(event, { manager, topic, partition: 0, offset: '0', headers: {} });
          },
        ],
      ]),
      ...fetch,
    });
  }

  async function send(topic: string, values: (string | Buffer)[], key = 'ORD-K'): Promise<void> {
    await stack.producer.send({ topic, acks: -1, messages: values.map((value) => ({ key, value })) });
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
    const admin = stack.kafka.admin();
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
    const dead = await readTopic(stack.kafka, `${topic}.dlq`, 2);
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
    await stack.producer.send({
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
    const dead = await readTopic(stack.kafka, `${topic}.dlq`, 1);
    await consumer.stop();
    const admin = stack.kafka.admin();
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
    const dead = await readTopic(stack.kafka, `${topic}.dlq`, 1);
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
      ...optionsFor(topic),
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
    const consumer = batchHandledConsumer(topic, (events) => calls.push(events.map((e) => e.id)), {
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

  it('with minBytes, waits for a fuller fetch: events sent one by one arrive together', async () => {
    const topic = 'bulk-fetched';
    await send(topic, [JSON.stringify(orderPlaced('ORD-BULK0', 'bulk-0'))]);
    const calls: number[] = [];
    const consumer = batchHandledConsumer(topic, (events) => calls.push(events.length), {
      // far more than the test sends: each fetch waits the whole maxWaitTimeMs
      minBytes: 1_000_000,
      maxWaitTimeMs: 1_000,
    });
    await consumer.start();
    await waitFor('the first event applied', async () =>
      (await appliedCount('evt-bulk-0')) === 1 ? true : undefined,
    );
    for (let i = 1; i <= 10; i++) {
      await send(topic, [JSON.stringify(orderPlaced(`ORD-BULK${i}`, `bulk-${i}`))]);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await waitFor('every event applied', async () =>
      (await appliedCount('evt-bulk-10')) === 1 ? true : undefined,
    );
    await consumer.stop();
    // Sent over about 0.3 s, they fall into at most two 1-second fetch windows (one each without minBytes).
    expect(calls.slice(1).length).toBeLessThanOrEqual(2);
    expect(calls.slice(1).reduce((a, b) => a + b, 0)).toBe(10);
  });
});
