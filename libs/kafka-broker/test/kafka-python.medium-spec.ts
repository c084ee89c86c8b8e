import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { BrokerFixture, startTestBroker, waitFor } from './broker-fixture';
import { RunningChild, killAllChildren, runChild, startChild } from './child-processes';
import { KAFKA_PYTHON, SYSTEM_PYTHON, describeWithClient } from './external-clients';

jest.setTimeout(90_000);

const CLIENTS = join(__dirname, 'clients');
/** A python client run that ends by itself must finish well within this. */
const PYTHON_RUN_MS = 30_000;

/**
 * The Kafka version kafka-python 2.0.2 infers from the advertised ApiVersions: its newest probe the
 * broker passes is Fetch v11 (Kafka 2.3); Produce v8 (2.4) and DescribeAcls v2 (2.5) are not served.
 */
const INFERRED_VERSION = [2, 3, 0];

/** Output of clients/kafka_python_producer.py, one line per message. */
interface Produced {
  value: string;
  partition: number;
  offset: number;
}

/** A line of clients/kafka_python_consumer.py. */
type ConsumerEvent =
  | { assigned: number[] }
  | { revoked: number[] }
  | { closed: true }
  | { partition: number; offset: number; key: string | null; value: string; headers: Record<string, string> };

type ConsumedRecord = Extract<ConsumerEvent, { value: string }>;

interface GroupDescription {
  listed: [string, string][];
  described: {
    group: string;
    state: string;
    protocolType: string;
    protocol: string;
    members: {
      memberId: string;
      clientId: string;
      clientHost: string;
      subscription: string[];
      assignment: Record<string, number[]>;
    }[];
  };
  apiVersion: number[];
}

/** The compression codec (attribute bits 0–2) of every record batch the broker stored for a partition. */
function storedCodecs(dataDir: string, topic: string, partition: number): number[] {
  const dir = join(dataDir, 'logs', `${topic}-${partition}`);
  const codecs: number[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.log'))) {
    const log = readFileSync(join(dir, file));
    // baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8, crc int32, attributes int16
    for (let at = 0; at + 23 <= log.length; at += 12 + log.readInt32BE(at + 8)) {
      codecs.push(log.readInt16BE(at + 21) & 0x07);
    }
  }
  return codecs;
}

/** A kafka-python group member in its own process. */
class PythonConsumer {
  constructor(readonly process: RunningChild) {}

  events(): ConsumerEvent[] {
    return this.process.stdoutLines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as ConsumerEvent);
  }

  records(): ConsumedRecord[] {
    return this.events().filter((event): event is ConsumedRecord => 'value' in event);
  }

  /** The partitions of the last assignment, empty after a revocation. */
  assignment(): number[] {
    let current: number[] = [];
    for (const event of this.events()) {
      if ('assigned' in event) current = event.assigned;
      else if ('revoked' in event) current = [];
    }
    return current;
  }
}

describeWithClient(KAFKA_PYTHON, 'kafka-python against the broker', () => {
  let fixture: BrokerFixture;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    fixture = await startTestBroker();
    kafka = new Kafka({
      brokers: [fixture.broker.address],
      clientId: 'kafka-python-spec',
      logLevel: logLevel.NOTHING,
    });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await killAllChildren();
    await admin?.disconnect();
    await fixture?.stop();
  });

  /** Runs one of the python clients to completion and returns its JSON output lines. */
  async function python<T>(script: string, ...args: string[]): Promise<T[]> {
    const finished = await runChild(
      SYSTEM_PYTHON,
      [join(CLIENTS, script), fixture.broker.address, ...args],
      PYTHON_RUN_MS,
    );
    if (finished.code !== 0) {
      throw new Error(`${script} ${args.join(' ')} exited with ${finished.code}:\n${finished.stderr}`);
    }
    return finished.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as T);
  }

  async function produce(topic: string, count: number, prefix: string, compression: string) {
    const lines = await python<Produced | { apiVersion: number[] }>(
      'kafka_python_producer.py',
      topic,
      String(count),
      prefix,
      compression,
    );
    const produced = lines.filter((line): line is Produced => 'value' in line);
    const apiVersion = lines.find(
      (line): line is { apiVersion: number[] } => 'apiVersion' in line,
    )?.apiVersion;
    return { produced, apiVersion };
  }

  async function describeGroup(group: string): Promise<GroupDescription> {
    const [description] = await python<GroupDescription>('kafka_python_admin.py', 'groups', group);
    return description;
  }

  describe('KafkaAdminClient', () => {
    it('infers the broker version from ApiVersions, creates a topic, and a second create raises TopicAlreadyExistsError', async () => {
      const [created] = await python<{ created?: string; error?: string; apiVersion: number[] }>(
        'kafka_python_admin.py',
        'create-topic',
        'py-admin-topic',
        '5',
      );
      expect(created).toEqual({ created: 'py-admin-topic', apiVersion: INFERRED_VERSION });
      const metadata = await admin.fetchTopicMetadata({ topics: ['py-admin-topic'] });
      expect(metadata.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4]);

      const [again] = await python<{ created?: string; error?: string; message?: string }>(
        'kafka_python_admin.py',
        'create-topic',
        'py-admin-topic',
        '5',
      );
      expect(again).toMatchObject({ error: 'TopicAlreadyExistsError' });
      expect(again.message).toContain("Topic 'py-admin-topic' already exists.");
    });
  });

  describe('KafkaProducer', () => {
    it.each([
      ['uncompressed', 'none', 0],
      ['gzip', 'gzip', 1],
    ])(
      'with acks=all (%s) stores messages that kafkajs reads at the reported offsets with keys, values and headers',
      async (name, compression, codec) => {
        const topic = `py-produced-${name}`;
        await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });

        const { produced, apiVersion } = await produce(topic, 60, topic, compression);

        expect(apiVersion).toEqual(INFERRED_VERSION);
        expect(produced).toHaveLength(60);
        for (const partition of [0, 1, 2]) {
          const offsets = produced.filter((m) => m.partition === partition).map((m) => m.offset);
          expect(offsets).toEqual(offsets.map((_, i) => i));
          expect(new Set(storedCodecs(fixture.dataDir, topic, partition))).toEqual(
            new Set(offsets.length > 0 ? [codec] : []),
          );
        }

        const consumer = kafka.consumer({ groupId: `kafkajs-${topic}`, maxWaitTimeInMs: 100 });
        const read = new Map<string, { key?: string; value: string; headers: Record<string, string> }>();
        await consumer.connect();
        try {
          await consumer.subscribe({ topic, fromBeginning: true });
          await consumer.run({
            eachMessage: async ({ partition, message }) => {
              read.set(`${partition}/${message.offset}`, {
                key: message.key?.toString(),
                value: String(message.value),
                headers: Object.fromEntries(
                  Object.entries(message.headers ?? {}).map(([header, value]) => [header, String(value)]),
                ),
              });
            },
          });
          await waitFor('kafkajs to read every message', () => (read.size >= 60 ? true : undefined));
        } finally {
          await consumer.disconnect();
        }
        for (const { value, partition, offset } of produced) {
          const index = Number(value.slice(`${topic}-`.length));
          expect(read.get(`${partition}/${offset}`)).toEqual({
            key: `key-${index % 7}`,
            value,
            headers: { source: 'kafka-python', index: String(index) },
          });
        }
      },
    );
  });

  describe('KafkaConsumer groups', () => {
    it('two consumers in separate processes split 4 partitions, read every message exactly once, and the admin client describes and lists the group', async () => {
      const topic = 'py-group';
      const group = 'py-group-members';
      await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
      const start = () =>
        new PythonConsumer(
          startChild(SYSTEM_PYTHON, [
            join(CLIENTS, 'kafka_python_consumer.py'),
            fixture.broker.address,
            topic,
            group,
          ]),
        );
      const consumers = [start(), start()];
      const [a, b] = consumers;

      await waitFor(
        'the two consumers to share the 4 partitions',
        () => {
          const [ownedByA, ownedByB] = [a.assignment(), b.assignment()];
          const all = [...ownedByA, ...ownedByB].sort();
          return ownedByA.length > 0 && ownedByB.length > 0 && all.join() === '0,1,2,3' ? true : undefined;
        },
        30_000,
      );

      const { described, listed } = await describeGroup(group);
      expect(listed).toContainEqual([group, 'consumer']);
      expect(described).toMatchObject({
        group,
        state: 'Stable',
        protocolType: 'consumer',
        protocol: 'range',
      });
      expect(described.members).toHaveLength(2);
      for (const member of described.members) {
        expect(member).toMatchObject({
          clientId: 'kafka-python-consumer',
          clientHost: '127.0.0.1',
          subscription: [topic],
        });
      }
      expect(described.members.map((m) => m.assignment[topic]).sort()).toEqual(
        [a.assignment(), b.assignment()].sort(),
      );

      const { produced } = await produce(topic, 100, 'grouped', 'gzip');
      expect(new Set(produced.map((m) => m.partition))).toEqual(new Set([0, 1, 2, 3]));
      await waitFor('the group to read every message', () => {
        const seen = new Set(consumers.flatMap((c) => c.records().map((r) => r.value)));
        return produced.every((m) => seen.has(m.value)) ? true : undefined;
      });

      for (const consumer of consumers) {
        const owned = consumer.assignment();
        expect(consumer.records().length).toBeGreaterThan(0);
        expect(consumer.records().every((r) => owned.includes(r.partition))).toBe(true);
      }

      const stopped = await Promise.all(consumers.map((c) => c.process.stop('SIGTERM')));
      for (const [i, finished] of stopped.entries()) {
        expect({ consumer: i, code: finished.code }).toEqual({ consumer: i, code: 0 });
        expect(consumers[i].events()).toContainEqual({ closed: true });
      }
      const consumed = consumers.flatMap((c) => c.records());
      const where = (m: { partition: number; offset: number }) => `${m.partition}/${m.offset}`;
      expect(consumed.map(where).sort()).toEqual(produced.map(where).sort());
      for (const record of consumed) {
        expect(record.value).toBe(produced.find((m) => where(m) === where(record))?.value);
        expect(record.headers).toEqual({ source: 'kafka-python', index: record.value.split('-')[1] });
      }

      // Both closed cleanly: offsets committed at the end of every partition, and the group is empty.
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const ends = await admin.fetchTopicOffsets(topic);
      const byPartition = (rows: { partition: number; offset: string }[]) =>
        Object.fromEntries(rows.map((r) => [r.partition, r.offset]));
      expect(byPartition(committed.partitions)).toEqual(byPartition(ends));
      const after = await describeGroup(group);
      expect(after.described).toMatchObject({ group, state: 'Empty', members: [] });
    });
  });
});
