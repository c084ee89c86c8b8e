import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { CompressionTypes, Consumer, EachMessagePayload, Kafka, logLevel } from 'kafkajs';
import { join } from 'node:path';
import { BrokerFixture, startTestBroker, waitFor } from './broker-fixture';

jest.setTimeout(90_000);

let fixture: BrokerFixture;
let kafka: Kafka;

beforeAll(async () => {
  fixture = await startTestBroker();
  kafka = new Kafka({
    brokers: [fixture.broker.address],
    clientId: 'kafkajs-spec',
    logLevel: logLevel.NOTHING,
  });
});

afterAll(async () => {
  await fixture.stop();
});

function values(n: number, prefix: string): { key: string; value: string }[] {
  return Array.from({ length: n }, (_, i) => ({ key: `key-${i % 17}`, value: `${prefix}-${i}` }));
}

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  await admin.disconnect();
}

interface Received {
  partition: number;
  offset: string;
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
}

async function consumeAll(groupId: string, topic: string, expected: number): Promise<Received[]> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 250,
  });
  const received: Received[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }: EachMessagePayload) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      received.push({
        partition,
        offset: message.offset,
        key: message.key?.toString(),
        value: String(message.value),
        headers,
      });
    },
  });
  await waitFor(`${expected} messages`, () => (received.length >= expected ? true : undefined));
  await consumer.disconnect();
  return received;
}

describe('kafkajs producer and consumer', () => {
  it.each([
    ['acks=-1', -1, CompressionTypes.None],
    ['acks=1 with gzip', 1, CompressionTypes.GZIP],
  ])(
    'round-trips messages on a 3-partition topic with %s, in order per partition',
    async (_name, acks, compression) => {
      const topic = `round-trip-${acks}-${compression}`;
      await createTopic(topic, 3);
      const producer = kafka.producer();
      await producer.connect();
      const sent = values(300, topic).map((m) => ({ ...m, headers: { source: 'spec', index: m.value } }));
      for (let i = 0; i < sent.length; i += 50) {
        await producer.send({ topic, acks, compression, messages: sent.slice(i, i + 50) });
      }
      await producer.disconnect();

      const received = await consumeAll(`group-${topic}`, topic, sent.length);

      expect(received.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort());
      expect(new Set(received.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
      for (const message of received)
        expect(message.headers).toEqual({ source: 'spec', index: message.value });
      for (const partition of [0, 1, 2]) {
        const inPartition = received.filter((m) => m.partition === partition);
        const sentOrder = sent
          .filter((m) => inPartition.some((r) => r.value === m.value))
          .map((m) => m.value);
        expect(inPartition.map((m) => m.value)).toEqual(sentOrder);
        expect(inPartition.map((m) => Number(m.offset))).toEqual(inPartition.map((_, i) => i));
      }
    },
  );

  it('accepts acks=0 produce without answering, and the messages are stored', async () => {
    const topic = 'acks-zero';
    await createTopic(topic, 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: 0, messages: values(20, topic) });
    await producer.send({ topic, acks: -1, messages: [{ value: 'after' }] });
    await producer.disconnect();
    const received = await consumeAll('acks-zero-group', topic, 21);
    expect(received.map((m) => m.value)).toEqual([...values(20, topic).map((m) => m.value), 'after']);
  });

  it('auto-creates a topic on first produce with the default partition count', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic: 'auto-created', messages: [{ value: 'x' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: ['auto-created'] });
    await admin.disconnect();
    expect(metadata.topics[0].partitions).toHaveLength(3);
  });
});

describe('kafkajs consumer groups', () => {
  function startConsumer(
    groupId: string,
    topic: string,
    sink: string[],
  ): { consumer: Consumer; assigned: () => number[] } {
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: 3000,
      heartbeatInterval: 300,
      rebalanceTimeout: 6000,
      maxWaitTimeInMs: 250,
    });
    let assigned: number[] = [];
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      assigned = event.payload.memberAssignment[topic] ?? [];
    });
    const started = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommitInterval: 100,
        eachMessage: async ({ message }) => {
          sink.push(String(message.value));
        },
      });
    })();
    void started;
    return { consumer, assigned: () => assigned };
  }

  function startChildConsumer(groupId: string, topic: string, sink: string[]): ChildProcess {
    const script = join(__dirname, 'clients', 'kafkajs-consumer.ts');
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', script, fixture.broker.address, topic, groupId],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = JSON.parse(line) as { value?: string };
        if (parsed.value !== undefined) sink.push(parsed.value);
      }
    });
    return child;
  }

  it('splits 6 partitions over 3 members, and when one leaves and one is killed the last takes over with nothing lost', async () => {
    const topic = 'group-split';
    const groupId = 'group-split-members';
    await createTopic(topic, 6);
    const seen: string[] = [];
    const a = startConsumer(groupId, topic, seen);
    const b = startConsumer(groupId, topic, seen);
    const child = startChildConsumer(groupId, topic, seen);

    await waitFor('3 members to share the 6 partitions', () =>
      a.assigned().length === 2 && b.assigned().length === 2 ? true : undefined,
    );
    const producer = kafka.producer();
    await producer.connect();
    const first = values(120, 'first');
    await producer.send({ topic, acks: -1, messages: first });
    await waitFor('first batch consumed', () =>
      first.every((m) => seen.includes(m.value)) ? true : undefined,
    );

    await b.consumer.disconnect();
    child.kill('SIGKILL');
    await once(child, 'exit');
    await waitFor(
      'the survivor to own all 6 partitions',
      () => (a.assigned().length === 6 ? true : undefined),
      20_000,
    );

    const second = values(120, 'second');
    await producer.send({ topic, acks: -1, messages: second });
    await waitFor('second batch consumed by the survivor', () =>
      second.every((m) => seen.includes(m.value)) ? true : undefined,
    );
    await producer.disconnect();
    await a.consumer.disconnect();

    for (const message of [...first, ...second]) expect(seen).toContain(message.value);
    // After the takeover nothing of the second batch is seen twice: offsets were committed by the group.
    const secondSeen = seen.filter((v) => v.startsWith('second-'));
    expect(secondSeen).toHaveLength(second.length);
  });

  it('resumes from committed offsets after a broker restart', async () => {
    const topic = 'restart-offsets';
    const groupId = 'restart-offsets-group';
    await createTopic(topic, 2);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: values(50, 'before') });
    await producer.disconnect();
    const before = await consumeAll(groupId, topic, 50);
    expect(before).toHaveLength(50);

    await fixture.restart();

    const producerAfter = kafka.producer();
    await producerAfter.connect();
    await producerAfter.send({ topic, acks: -1, messages: values(10, 'after') });
    await producerAfter.disconnect();
    const after = await consumeAll(groupId, topic, 10);
    expect(after.map((m) => m.value).sort()).toEqual(
      values(10, 'after')
        .map((m) => m.value)
        .sort(),
    );
  });
});

describe('kafkajs admin', () => {
  it('creates, lists, describes and deletes topics, and rejects bad ones with Kafka errors', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await expect(admin.createTopics({ topics: [{ topic: 'admin-topic', numPartitions: 4 }] })).resolves.toBe(
      true,
    );
    await expect(admin.createTopics({ topics: [{ topic: 'admin-topic', numPartitions: 4 }] })).resolves.toBe(
      false,
    );
    await expect(
      admin.createTopics({ topics: [{ topic: 'bad/name', numPartitions: 1 }] }),
    ).rejects.toMatchObject({
      errors: [{ topic: 'bad/name', type: 'INVALID_TOPIC_EXCEPTION' }],
    });
    await expect(
      admin.createTopics({ topics: [{ topic: 'no-partitions', numPartitions: 0 }] }),
    ).rejects.toMatchObject({
      errors: [{ topic: 'no-partitions', type: 'INVALID_PARTITIONS' }],
    });
    expect(await admin.listTopics()).toContain('admin-topic');
    const metadata = await admin.fetchTopicMetadata({ topics: ['admin-topic'] });
    expect(metadata.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    await admin.deleteTopics({ topics: ['admin-topic'] });
    expect(await admin.listTopics()).not.toContain('admin-topic');
    await admin.disconnect();
  });

  it('fetches, sets and resets group offsets, and lists and describes groups', async () => {
    const topic = 'admin-offsets';
    const groupId = 'admin-offsets-group';
    await createTopic(topic, 2);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: values(40, 'offsets') });
    await producer.disconnect();
    await consumeAll(groupId, topic, 40);

    const admin = kafka.admin();
    await admin.connect();
    const topicOffsets = await admin.fetchTopicOffsets(topic);
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = (rows: { partition: number; offset: string }[]) =>
      Object.fromEntries(rows.map((r) => [r.partition, r.offset]));
    expect(byPartition(committed[0].partitions)).toEqual(byPartition(topicOffsets));

    await admin.setOffsets({
      groupId,
      topic,
      partitions: [
        { partition: 0, offset: '1' },
        { partition: 1, offset: '2' },
      ],
    });
    const afterSet = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(byPartition(afterSet[0].partitions)).toEqual({ 0: '1', 1: '2' });

    await admin.resetOffsets({ groupId, topic, earliest: true });
    const afterReset = await admin.fetchOffsets({ groupId, topics: [topic], resolveOffsets: true });
    expect(byPartition(afterReset[0].partitions)).toEqual({ 0: '0', 1: '0' });

    const { groups } = await admin.listGroups();
    expect(groups).toContainEqual({ groupId, protocolType: 'consumer' });
    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Empty', errorCode: 0 });
    await admin.disconnect();
  });
});
