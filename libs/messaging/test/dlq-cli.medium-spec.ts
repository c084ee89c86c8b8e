import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { IHeaders, Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';
import { parseCloudEventBytes } from '@opsline/contracts';
import { exampleEvent, PlainCloudEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, MigratedTestDatabase } from '@opsline/persistence/testing';
import { BrokerFixture, startTestBroker, waitFor } from '../../kafka-broker/test/broker-fixture';
import { BatchConsumer } from '../src/consumer/batch-consumer';
import { ConsumedEvent, EventParser, HandlerContext } from '../src/consumer/consumed-event';
import { DeadLetterHeader, DeadLetterPublisher } from '../src/consumer/dead-letter-publisher';
import { silentMessagingLogger } from '../src/messaging-logger';
import { TEST_MIGRATIONS, TEST_SCHEMA } from './messaging-fixture';

jest.setTimeout(60_000);

const REPO_ROOT = join(__dirname, '../../..');
const CLI = 'libs/messaging/src/cli/dlq.ts';
const TOPIC = 'dlq-cli.orders';
const DLQ_TOPIC = `${TOPIC}.dlq`;
const GROUP = 'dlq-cli-group';
const ORIGIN_HEADERS = { 'x-sender': 'webshop-eu', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-01' };

let broker: BrokerFixture;
let db: MigratedTestDatabase;
let kafka: Kafka;
let producer: Producer;
let consumer: BatchConsumer;
/** Events the handler refuses, as a bug in the service would; emptied once "the cause is fixed". */
const refused = new Set<string>();
const parse: EventParser = (value) => parseCloudEventBytes(value) as ReturnType<EventParser>;

function orderPlaced(orderId: string, id: string): PlainCloudEvent {
  const event = exampleEvent('opsline.order.placed.v1');
  return { ...event, id, subject: orderId, data: { ...event.data, orderId } };
}

const invalidEvent = orderPlaced('ORD-INVALID', 'evt-invalid');
invalidEvent.data.lines = [];
const refusedEvent = orderPlaced('ORD-REFUSED', 'evt-refused');

/** What went onto the source topic, in offset order (one partition, so offsets 0..3). */
const SOURCE_RECORDS: { key: string; value: string }[] = [
  { key: 'ORD-POISON', value: '{not json' },
  { key: 'ORD-INVALID', value: JSON.stringify(invalidEvent) },
  { key: 'ORD-REFUSED', value: JSON.stringify(refusedEvent) },
  { key: 'ORD-FINE', value: JSON.stringify(orderPlaced('ORD-FINE', 'evt-fine')) },
];

interface TopicRecord {
  partition: number;
  message: KafkaMessage;
}

/** Reads a topic from the beginning until `count` records have arrived. */
async function readTopic(topic: string, count: number): Promise<TopicRecord[]> {
  const reader = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  const seen: TopicRecord[] = [];
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({ eachMessage: async ({ partition, message }) => void seen.push({ partition, message }) });
  await waitFor(`${count} records on ${topic}`, () => (seen.length >= count ? true : undefined));
  await reader.disconnect();
  return seen;
}

function text(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}

async function appliedCount(eventId: string): Promise<number> {
  const rows: { n: string }[] = await db.dataSource.query(
    `SELECT count(*) AS n FROM ${TEST_SCHEMA}.applied_events WHERE event_id = $1`,
    [eventId],
  );
  return Number(rows[0].n);
}

async function highWatermark(topic: string): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  const [partition] = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return partition.high;
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`npm run dlq -- …`) as a child process against the test broker. */
async function dlq(...args: string[]): Promise<CliResult> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', CLI, ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, KAFKA_BROKERS: broker.broker.address },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(killer);
  return { code, stdout, stderr };
}

/** The dead letters as they are on `<topic>.dlq`, by source offset: what the CLI must report. */
let deadLetters: Map<string, TopicRecord>;

function positionOf(sourceOffset: string): string {
  const record = deadLetters.get(sourceOffset);
  if (record === undefined) throw new Error(`no dead letter for source offset ${sourceOffset}`);
  return `${record.partition}:${record.message.offset}`;
}

beforeAll(async () => {
  [broker, db] = await Promise.all([
    startTestBroker(),
    createTestDatabase({ name: __filename, migrate: { schema: TEST_SCHEMA, migrations: TEST_MIGRATIONS } }),
  ]);
  kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'dlq-cli-spec',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  // One source partition keeps offsets predictable; the dead-letter topic has several, as in production.
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: TOPIC, numPartitions: 1 },
      { topic: DLQ_TOPIC, numPartitions: 3 },
    ],
  });
  await admin.disconnect();
  producer = kafka.producer({ maxInFlightRequests: 1 });
  await producer.connect();

  refused.add(refusedEvent.id as string);
  await producer.send({
    topic: TOPIC,
    acks: -1,
    messages: SOURCE_RECORDS.map(({ key, value }) => ({ key, value, headers: ORIGIN_HEADERS })),
  });
  consumer = new BatchConsumer({
    kafka,
    groupId: GROUP,
    topics: [TOPIC],
    handlers: new Map([
      [
        'opsline.order.placed.v1',
        async (event: ConsumedEvent, { manager }: HandlerContext) => {
          if (refused.has(event.id)) throw new Error(`warehouse of ${event.subject} is not configured`);
          await manager.query(
            `INSERT INTO ${TEST_SCHEMA}.applied_events (event_id, subject) VALUES ($1, $2)`,
            [event.id, event.subject],
          );
        },
      ],
    ]),
    dataSource: db.dataSource,
    schema: TEST_SCHEMA,
    parse,
    deadLetters: new DeadLetterPublisher(producer, silentMessagingLogger),
    logger: silentMessagingLogger,
    retry: { maxAttempts: 2, initialBackoffMs: 10, maxBackoffMs: 20 },
    maxWaitTimeMs: 100,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
  });
  await consumer.start();
  await waitFor('the event after the dead letters applied', async () =>
    (await appliedCount('evt-fine')) === 1 ? true : undefined,
  );
  const dead = await readTopic(DLQ_TOPIC, 3);
  deadLetters = new Map(dead.map((d) => [text(d.message.headers)[DeadLetterHeader.sourceOffset], d]));
});

afterAll(async () => {
  await consumer?.stop();
  await producer?.disconnect();
  await db?.drop();
  await broker?.stop();
});

describe('npm run dlq -- list', () => {
  it('lists every dead letter of the topic with its position, reason, source offset, event and error', async () => {
    const { code, stdout, stderr } = await dlq('list', TOPIC);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(`3 dead letter(s) in ${DLQ_TOPIC}`);
    const lineOf = (sourceOffset: string): string => {
      const line = lines.find((l) => l.startsWith(`${positionOf(sourceOffset)}  `));
      if (line === undefined) throw new Error(`no line for ${positionOf(sourceOffset)} in:\n${stdout}`);
      return line;
    };
    const errorOf = (sourceOffset: string, prefix: string): string => {
      const line = lineOf(sourceOffset);
      expect(line.slice(0, prefix.length)).toBe(prefix);
      return line.slice(prefix.length);
    };
    // A long error (here the JSON of the validation errors) is cut to 120 characters; `show` has it whole.
    const poisonError = errorOf('0', `${positionOf('0')}  invalid-event  from ${TOPIC}[0]@0  ? ?  `);
    expect(poisonError).toMatch(/^\[\{"field":"\(body\)","rule":"json".*\.\.\.$/);
    expect(poisonError).toHaveLength(120);
    const invalidError = errorOf(
      '1',
      `${positionOf('1')}  invalid-event  from ${TOPIC}[0]@1  opsline.order.placed.v1 evt-invalid  `,
    );
    expect(invalidError).toMatch(/^\[\{"field":"data\.lines"/);
    expect(lineOf('2')).toBe(
      `${positionOf('2')}  handler-failed  from ${TOPIC}[0]@2  opsline.order.placed.v1 evt-refused  ` +
        'warehouse of ORD-REFUSED is not configured',
    );
    // Sorted by dead-letter position.
    const positions = lines.slice(0, 3).map((l) => l.split('  ')[0].split(':').map(Number));
    expect(positions).toEqual([...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
  });

  it('says there are none for a topic without dead letters', async () => {
    const { code, stdout } = await dlq('list', 'dlq-cli.nothing-here');

    expect(code).toBe(0);
    expect(stdout).toBe('0 dead letter(s) in dlq-cli.nothing-here.dlq\n');
  });
});

describe('npm run dlq -- show', () => {
  it('prints one dead letter in full: where it came from, why, its headers and its value as JSON', async () => {
    const { code, stdout, stderr } = await dlq('show', TOPIC, positionOf('1'));

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const shown = JSON.parse(stdout) as Record<string, unknown> & { headers: Record<string, string> };
    const [partition, offset] = positionOf('1').split(':');
    expect(shown).toMatchObject({
      dlqTopic: DLQ_TOPIC,
      partition: Number(partition),
      offset,
      key: 'ORD-INVALID',
      sourceTopic: TOPIC,
      sourcePartition: 0,
      sourceOffset: '1',
      reason: 'invalid-event',
      eventId: 'evt-invalid',
      eventType: 'opsline.order.placed.v1',
      value: invalidEvent,
    });
    expect(shown.error).toContain('data.lines');
    expect(shown.headers).toMatchObject({
      ...ORIGIN_HEADERS,
      [DeadLetterHeader.sourceTopic]: TOPIC,
      [DeadLetterHeader.sourcePartition]: '0',
      [DeadLetterHeader.sourceOffset]: '1',
      [DeadLetterHeader.consumerGroup]: GROUP,
      [DeadLetterHeader.reason]: 'invalid-event',
      [DeadLetterHeader.attempts]: '1',
    });
    expect(shown.headers[DeadLetterHeader.failedAt]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('prints a value that is not JSON as the raw text it was', async () => {
    const { code, stdout } = await dlq('show', TOPIC, positionOf('0'));

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      key: 'ORD-POISON',
      value: '{not json',
      eventId: null,
      eventType: null,
      sourceOffset: '0',
    });
  });
});

describe('npm run dlq -- replay', () => {
  it('sends a dead letter back to its source topic as it was, marked as replayed, and once fixed it is applied exactly once', async () => {
    expect(await appliedCount('evt-refused')).toBe(0);
    refused.clear(); // the cause is fixed
    const position = positionOf('2');

    // Replayed twice (an operator repeating the command): the inbox makes the second one a no-op.
    const first = await dlq('replay', TOPIC, position);
    const second = await dlq('replay', TOPIC, position);

    expect(first).toEqual({ code: 0, stdout: `replayed 1 dead letter(s) to ${TOPIC}\n`, stderr: '' });
    expect(second.code).toBe(0);
    const onSource = await readTopic(TOPIC, SOURCE_RECORDS.length + 2);
    const replayed = onSource.slice(SOURCE_RECORDS.length);
    for (const { message } of replayed) {
      expect(message.key?.toString()).toBe('ORD-REFUSED');
      expect(message.value?.toString()).toBe(SOURCE_RECORDS[2].value);
      expect(text(message.headers)).toEqual({
        ...ORIGIN_HEADERS,
        'opsline-replayed-from': `${DLQ_TOPIC}:${position}`,
      });
    }
    // A later event on the same partition: once it is applied, both replays have been consumed.
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: [{ key: 'ORD-LATER', value: JSON.stringify(orderPlaced('ORD-LATER', 'evt-later')) }],
    });
    await waitFor('the event after the replays applied', async () =>
      (await appliedCount('evt-later')) === 1 ? true : undefined,
    );
    expect(await appliedCount('evt-refused')).toBe(1);
    expect(await appliedCount('evt-fine')).toBe(1);
    // Replaying does not remove the dead letter: it stays for the record.
    expect((await dlq('list', TOPIC)).stdout).toContain(`3 dead letter(s) in ${DLQ_TOPIC}`);
  });
});

describe('npm run dlq -- bad input', () => {
  it.each([
    ['an unknown command', ['purge', TOPIC]],
    ['no topic', ['list']],
    ['no arguments', []],
    ['a show without a position', ['show', TOPIC]],
  ])('prints the usage and exits 1 for %s', async (_case, args) => {
    const { code, stdout, stderr } = await dlq(...args);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^usage: npm run dlq -- list <topic> \| show <topic> <partition>:<offset> \| replay/,
    );
  });

  it('exits 1 naming a position that holds no dead letter, and replays nothing of such a request', async () => {
    const before = await highWatermark(TOPIC);

    const show = await dlq('show', TOPIC, '0:999');
    const replay = await dlq('replay', TOPIC, positionOf('2'), '7:0');

    expect(show).toEqual({ code: 1, stdout: '', stderr: 'no dead letter at 0:999\n' });
    expect(replay).toEqual({ code: 1, stdout: '', stderr: 'no dead letter at 7:0\n' });
    expect(await highWatermark(TOPIC)).toBe(before);
  });

  it('exits 1 for a replay that names neither positions nor --all', async () => {
    const { code, stderr } = await dlq('replay', TOPIC);

    expect(code).toBe(1);
    expect(stderr).toBe('replay needs --all or <partition>:<offset> positions\n');
  });
});
