import { Admin, EachMessagePayload, Kafka, logLevel } from 'kafkajs';
import { BrokerFixture, startTestBroker, waitFor } from './broker-fixture';
import { Finished, RunningChild, killAllChildren, runChild, startChild } from './child-processes';
import { KCAT, describeWithClient } from './external-clients';

jest.setTimeout(90_000);

/** One kcat run that ends by itself (metadata, produce, `-C -e`) must finish well within this. */
const KCAT_RUN_MS = 20_000;

/** librdkafka settings that keep group tests short: a killed member is evicted after 3 s. */
const GROUP_SETTINGS = [
  ['session.timeout.ms', '3000'],
  ['heartbeat.interval.ms', '300'],
  ['auto.commit.interval.ms', '100'],
  ['auto.offset.reset', 'earliest'],
  ['fetch.wait.max.ms', '100'],
].flatMap(([name, value]) => ['-X', `${name}=${value}`]);

/**
 * The ApiVersions table as librdkafka prints it with `-d feature` (its names for the APIs).
 * Produce is advertised from v0 although only v3–7 are served: librdkafka without the fix for
 * confluentinc/librdkafka#4956 (2.0.2 among them) checks gzip, snappy and lz4 support against
 * Produce v0 and silently sends uncompressed batches otherwise (Kafka 4.0 does the same, KAFKA-18659).
 */
const ADVERTISED: Record<string, [number, number]> = {
  Produce: [0, 7],
  Fetch: [4, 11],
  ListOffsets: [1, 3],
  Metadata: [0, 6],
  OffsetCommit: [2, 5],
  OffsetFetch: [1, 5],
  FindCoordinator: [0, 2],
  JoinGroup: [0, 5],
  Heartbeat: [0, 3],
  LeaveGroup: [0, 3],
  SyncGroup: [0, 3],
  DescribeGroups: [0, 2],
  ListGroups: [0, 2],
  ApiVersion: [0, 3],
  CreateTopics: [0, 3],
  DeleteTopics: [0, 1],
};

/** The versions the broker really serves, which every request librdkafka sends must use. */
const SERVED: Record<string, [number, number]> = { ...ADVERTISED, Produce: [3, 7] };

/** Debug lines with an error word that are not problems: client shutdown, and fetches that succeeded. */
const NOT_PROBLEMS = [
  /\(_DESTROY\)$/,
  /: failed 0 request\(s\) in retry\+outbuf$/,
  /: no next broker, failing 0 message\(s\) in partition queue$/,
  /\|FETCH\|.* MessageSet size \d+, error "Success", /,
];

/** Words librdkafka uses when a request fails, a response does not parse, or a feature is refused. */
const PROBLEM =
  /fail|error|\berr\b|unsupported|not supported|does not support|unknown|underflow|parse|fall(ing )?back|retrying with v|disconnect|timed out|Broker: |Local: /i;

/**
 * The problems in librdkafka's stderr: any log line above debug level (`%0|`..`%6|`), and any debug
 * line with an error word that is not in NOT_PROBLEMS. The APIVERSION lines are the advertised table
 * and the features derived from it ("NOT supported by broker" for what the broker leaves out).
 */
function protocolProblems(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => /^%\d\|/.test(line))
    .filter((line) => {
      if (!/^%7\|/.test(line)) return true;
      if (/^%7\|[\d.]+\|APIVERSION\|/.test(line)) return false;
      return PROBLEM.test(line) && !NOT_PROBLEMS.some((benign) => benign.test(line));
    });
}

/** `Sent FooRequest (vN, ...)` lines: the API name and version of every request librdkafka sent. */
function sentRequests(stderr: string): { api: string; version: number }[] {
  return [...stderr.matchAll(/Sent (\w+)Request \(v(\d+),/g)].map(([, api, version]) => ({
    api,
    version: Number(version),
  }));
}

/** The requests sent with a version the broker does not serve (an empty list when all is well). */
function unservedRequests(stderr: string): { api: string; version: number }[] {
  return sentRequests(stderr).filter(({ api, version }) => {
    const served = SERVED[api];
    return served === undefined || version < served[0] || version > served[1];
  });
}

/** The codec librdkafka names for each batch it produces (`-d msg`): "uncompressed", "gzip", ... */
function producedCodecs(stderr: string): string[] {
  return [...stderr.matchAll(/Produce MessageSet with \d+ message\(s\) \(.*, (\w+)\)$/gm)].map(
    ([, codec]) => codec,
  );
}

interface KcatRecord {
  key: string;
  value: string;
  headers: string;
  partition: number;
  offset: number;
}

/** Parses `-f '%k|%s|%h|%p|%o\n'` output (keys, values and headers in these tests have no '|'). */
function parseFormatted(stdout: string): KcatRecord[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [key, value, headers, partition, offset] = line.split('|');
      return { key, value, headers, partition: Number(partition), offset: Number(offset) };
    });
}

/** A `kcat -G` member: the messages it printed and the partitions it was last assigned. */
class GroupMember {
  constructor(readonly process: RunningChild) {}

  /** Values printed with `-f '%p|%o|%s\n'`. */
  values(): string[] {
    return this.process.stdoutLines.filter((line) => line.length > 0).map((line) => line.split('|')[2]);
  }

  /** From kcat's "% Group g rebalanced (memberid m): assigned: t [0], t [1]" (and "revoked:") lines. */
  assignment(): number[] {
    let current: number[] = [];
    for (const line of this.process.stderrLines) {
      const rebalance = /^% Group \S+ rebalanced \(memberid \S+\): (assigned|revoked): (.*)$/.exec(line);
      if (rebalance === null) continue;
      const partitions = [...rebalance[2].matchAll(/\[(\d+)\]/g)].map(([, p]) => Number(p));
      current = rebalance[1] === 'assigned' ? partitions.sort((a, b) => a - b) : [];
    }
    return current;
  }
}

describeWithClient(KCAT, 'kcat (librdkafka) against the broker', () => {
  let fixture: BrokerFixture;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    fixture = await startTestBroker();
    kafka = new Kafka({
      brokers: [fixture.broker.address],
      clientId: 'kcat-spec',
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

  function kcat(...args: string[]): string[] {
    return ['-b', fixture.broker.address, ...args];
  }

  async function runKcat(args: string[], input?: string): Promise<Finished> {
    const finished = await runChild('kcat', kcat(...args), KCAT_RUN_MS, { input });
    if (finished.code !== 0) {
      throw new Error(`kcat ${args.join(' ')} exited with ${finished.code}:\n${finished.stderr}`);
    }
    return finished;
  }

  async function createTopic(topic: string, numPartitions: number): Promise<void> {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  }

  interface Consumed {
    partition: number;
    offset: number;
    key: string | undefined;
    value: string;
    headers: Record<string, string>;
  }

  async function consumeWithKafkajs(topic: string, expected: number): Promise<Consumed[]> {
    const consumer = kafka.consumer({ groupId: `kafkajs-${topic}`, maxWaitTimeInMs: 100 });
    const received: Consumed[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }: EachMessagePayload) => {
          received.push({
            partition,
            offset: Number(message.offset),
            key: message.key?.toString(),
            value: String(message.value),
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
            ),
          });
        },
      });
      await waitFor(`kafkajs to read ${expected} messages of ${topic}`, () =>
        received.length >= expected ? true : undefined,
      );
    } finally {
      await consumer.disconnect();
    }
    return received;
  }

  async function produceWithKafkajs(
    topic: string,
    messages: { partition: number; key: string; value: string; headers: Record<string, string> }[],
  ): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }
  }

  describe('metadata', () => {
    beforeAll(async () => {
      await createTopic('kcat-list-two', 2);
      await createTopic('kcat-list-five', 5);
    });

    it('`kcat -L` lists the single broker as controller and every topic with its partitions', async () => {
      const { stdout } = await runKcat(['-L']);

      expect(stdout).toContain(' 1 brokers:\n');
      expect(stdout).toContain(`  broker 0 at ${fixture.broker.address} (controller)\n`);
      for (const [topic, partitions] of [
        ['kcat-list-two', 2],
        ['kcat-list-five', 5],
      ] as const) {
        expect(stdout).toContain(`  topic "${topic}" with ${partitions} partitions:\n`);
        const block = stdout.split(`  topic "${topic}"`)[1].split('  topic "')[0];
        const rows = [...block.matchAll(/partition (\d+), leader (\d+), replicas: 0, isrs: 0/g)];
        expect(rows.map(([, p, leader]) => [Number(p), Number(leader)])).toEqual(
          Array.from({ length: partitions }, (_, p) => [p, 0]),
        );
      }
    });

    it('`kcat -L -J` gives the same brokers, controller and partition counts as JSON', async () => {
      const { stdout } = await runKcat(['-L', '-J']);
      const metadata = JSON.parse(stdout) as {
        controllerid: number;
        brokers: { id: number; name: string }[];
        topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
      };

      expect(metadata.controllerid).toBe(0);
      expect(metadata.brokers).toEqual([{ id: 0, name: fixture.broker.address }]);
      const byTopic = new Map(metadata.topics.map((t) => [t.topic, t.partitions]));
      expect(byTopic.get('kcat-list-two')?.map((p) => [p.partition, p.leader])).toEqual([
        [0, 0],
        [1, 0],
      ]);
      expect(byTopic.get('kcat-list-five')?.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4]);
    });
  });

  describe('producing and consuming', () => {
    it.each<[string, string[], string]>([
      ['uncompressed', [], 'uncompressed'],
      ['gzip-compressed', ['-z', 'gzip'], 'gzip'],
    ])(
      '%s messages produced by `kcat -P -p 1 -K: -H` reach kafkajs on that partition with keys, values and headers',
      async (name, compression, codecOnTheWire) => {
        const topic = `kcat-produced-${name}`;
        await createTopic(topic, 3);
        const lines = Array.from({ length: 40 }, (_, i) => `key-${i % 5}:value ${i} of ${topic}`);

        // -d msg makes librdkafka name the codec of every batch it sends.
        const { stderr } = await runKcat(
          [
            '-P',
            '-t',
            topic,
            '-p',
            '1',
            '-K:',
            '-H',
            'source=kcat',
            '-H',
            `codec=${name}`,
            ...compression,
            '-d',
            'msg',
          ],
          `${lines.join('\n')}\n`,
        );

        const codecs = producedCodecs(stderr);
        expect(codecs.length).toBeGreaterThan(0);
        expect(codecs).toEqual(codecs.map(() => codecOnTheWire));
        expect(protocolProblems(stderr)).toEqual([]);

        const received = await consumeWithKafkajs(topic, lines.length);
        expect(received).toHaveLength(lines.length);
        const sent = lines.map((line) => {
          const [key, value] = line.split(':');
          return { key, value, headers: { source: 'kcat', codec: name } };
        });
        expect(received.map(({ key, value, headers }) => ({ key, value, headers }))).toEqual(sent);
        expect(received.map((m) => m.partition)).toEqual(sent.map(() => 1));
        expect(received.map((m) => m.offset)).toEqual(sent.map((_, i) => i));
      },
    );

    const fromKafkajs = (topic: string) =>
      Array.from({ length: 30 }, (_, i) => ({
        partition: i % 3,
        key: `key-${i}`,
        value: `value-${i} of ${topic}`,
        headers: { source: 'kafkajs', index: String(i) },
      }));

    it('messages produced by kafkajs are read by `kcat -C -e -f` with keys, values and headers, and kcat exits at the end', async () => {
      const topic = 'kafkajs-to-kcat-formatted';
      await createTopic(topic, 3);
      const sent = fromKafkajs(topic);
      await produceWithKafkajs(topic, sent);

      const { stdout, stderr } = await runKcat(['-C', '-e', '-t', topic, '-f', '%k|%s|%h|%p|%o\\n']);

      const records = parseFormatted(stdout);
      const expected = sent.map((m) => ({
        key: m.key,
        value: m.value,
        headers: `source=kafkajs,index=${m.headers.index}`,
        partition: m.partition,
        offset: Math.floor(Number(m.headers.index) / 3),
      }));
      const order = (a: KcatRecord, b: KcatRecord) => a.partition - b.partition || a.offset - b.offset;
      expect(records.sort(order)).toEqual(expected.sort(order));
      // -e: kcat stops once every partition is at its end, and says so.
      expect(stderr).toMatch(/Reached end of topic kafkajs-to-kcat-formatted \[\d\] at offset 10: exiting/);
    });

    it('`kcat -C -e -J` gives the same records as JSON, headers as name/value pairs', async () => {
      const topic = 'kafkajs-to-kcat-json';
      await createTopic(topic, 3);
      const sent = fromKafkajs(topic);
      await produceWithKafkajs(topic, sent);

      const { stdout } = await runKcat(['-C', '-e', '-t', topic, '-J']);

      const records = stdout
        .split('\n')
        .filter((line) => line.length > 0)
        .map(
          (line) =>
            JSON.parse(line) as {
              topic: string;
              partition: number;
              offset: number;
              key: string;
              payload: string;
              headers: string[];
            },
        );
      expect(records).toHaveLength(sent.length);
      for (const record of records) {
        const index = Number(record.key.slice('key-'.length));
        expect(record).toMatchObject({
          topic,
          partition: index % 3,
          offset: Math.floor(index / 3),
          payload: `value-${index} of ${topic}`,
          headers: ['source', 'kafkajs', 'index', String(index)],
        });
      }
    });
  });

  describe('consumer groups', () => {
    it('two `kcat -G` members split 4 partitions; after one is SIGKILLed the survivor takes them over and reads every later message once', async () => {
      const topic = 'kcat-group';
      const groupId = 'kcat-group-members';
      await createTopic(topic, 4);
      const member = (...debug: string[]) =>
        new GroupMember(
          startChild(
            'kcat',
            kcat('-G', groupId, topic, ...GROUP_SETTINGS, '-u', '-f', '%p|%o|%s\\n', ...debug),
          ),
        );
      // The survivor logs every request it sends (-d protocol), to check the group APIs' versions.
      const a = member('-d', 'protocol');
      const b = member();

      await waitFor(
        'both members to share the 4 partitions',
        () => {
          const [ownedByA, ownedByB] = [a.assignment(), b.assignment()];
          const all = [...ownedByA, ...ownedByB].sort();
          return ownedByA.length > 0 && ownedByB.length > 0 && all.join() === '0,1,2,3' ? true : undefined;
        },
        20_000,
      );
      const batch = (prefix: string) =>
        Array.from({ length: 80 }, (_, i) => ({
          partition: i % 4,
          key: `key-${i}`,
          value: `${prefix}-${i}`,
          headers: { batch: prefix },
        }));
      const first = batch('first');
      await produceWithKafkajs(topic, first);
      await waitFor('both members to read the first batch', () => {
        const seen = new Set([...a.values(), ...b.values()]);
        return first.every((m) => seen.has(m.value)) ? true : undefined;
      });
      // Each member read its own partitions, so both got messages.
      expect(a.values().length).toBe(20 * a.assignment().length);
      expect(b.values().length).toBe(20 * b.assignment().length);
      // kcat commits automatically; wait until the broker holds every offset, so a takeover re-reads nothing.
      await waitFor('the group to commit offset 20 on every partition', async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return committed.partitions.every((p) => p.offset === '20') ? true : undefined;
      });

      await b.process.stop('SIGKILL');
      await waitFor(
        'the survivor to be assigned all 4 partitions',
        () => (a.assignment().join() === '0,1,2,3' ? true : undefined),
        20_000,
      );
      const second = batch('second');
      await produceWithKafkajs(topic, second);
      await waitFor('the survivor to read the second batch', () => {
        const seen = new Set(a.values());
        return second.every((m) => seen.has(m.value)) ? true : undefined;
      });

      const consumed = [...a.values(), ...b.values()];
      expect([...consumed].sort()).toEqual([...first, ...second].map((m) => m.value).sort());
      expect(a.values().filter((v) => v.startsWith('second-'))).toHaveLength(second.length);
      await waitFor('the survivor to commit the second batch', async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return committed.partitions.every((p) => p.offset === '40') ? true : undefined;
      });

      // A clean shutdown leaves the group, which is then empty.
      const stopped = await a.process.stop('SIGTERM');
      expect(protocolProblems(stopped.stderr)).toEqual([]);
      const sent = sentRequests(stopped.stderr);
      expect(sent.map((r) => r.api)).toEqual(
        expect.arrayContaining([
          'ApiVersion',
          'FindCoordinator',
          'JoinGroup',
          'SyncGroup',
          'Heartbeat',
          'OffsetFetch',
          'OffsetCommit',
          'Fetch',
          'LeaveGroup',
        ]),
      );
      expect(unservedRequests(stopped.stderr)).toEqual([]);
      await waitFor('the group to be empty', async () => {
        const { groups } = await admin.describeGroups([groupId]);
        return groups[0]?.state === 'Empty' ? true : undefined;
      });
    });
  });

  describe('protocol debug output', () => {
    const DEBUG = ['-d', 'protocol,broker,feature,msg'];

    function expectCleanNegotiation(run: Finished): void {
      const problems = protocolProblems(run.stderr);
      expect(problems).toEqual([]);
      // ApiVersions v3 answered at the first try: no retry with v0, no broker.version.fallback.
      expect(run.stderr).toContain('Sent ApiVersionRequest (v3,');
      expect(run.stderr).toContain('Received ApiVersionResponse (v3,');
      expect(run.stderr).toContain('Broker changed state APIVERSION_QUERY -> UP');
      const table = Object.fromEntries(
        [...run.stderr.matchAll(/ApiKey (\w+) \(\d+\) Versions (\d+)\.\.(\d+)$/gm)].map(
          ([, api, min, max]) => [api, [Number(min), Number(max)]],
        ),
      );
      expect(table).toEqual(ADVERTISED);
      const features = /Updated enabled protocol features to (\S+)/.exec(run.stderr)?.[1].split(',') ?? [];
      expect(features).toEqual(
        expect.arrayContaining(['ApiVersion', 'BrokerBalancedConsumer', 'BrokerGroupCoordinator', 'MsgVer2']),
      );
      expect(unservedRequests(run.stderr)).toEqual([]);
    }

    it('`kcat -L -d protocol,broker,feature` negotiates ApiVersions v3 and shows no protocol error', async () => {
      const run = await runKcat(['-L', ...DEBUG]);
      expectCleanNegotiation(run);
      expect(sentRequests(run.stderr).map((r) => r.api)).toContain('Metadata');
    });

    it('a gzip producer and a `-C -e` consumer with `-d protocol,broker,feature,msg` show no protocol error', async () => {
      const topic = 'kcat-debug';
      await createTopic(topic, 2);
      // librdkafka sends a batch uncompressed when gzip would not make it smaller (a partition may
      // get a single short message), so the values are long and repetitive enough to always shrink.
      const valueOf = (i: number): string => `value-${i}-${'opsline '.repeat(32).trim()}`;
      const produced = await runKcat(
        ['-P', '-t', topic, '-K:', '-z', 'gzip', ...DEBUG],
        Array.from({ length: 20 }, (_, i) => `key-${i}:${valueOf(i)}\n`).join(''),
      );
      expectCleanNegotiation(produced);
      expect(sentRequests(produced.stderr)).toContainEqual({ api: 'Produce', version: 7 });
      expect(new Set(producedCodecs(produced.stderr))).toEqual(new Set(['gzip']));

      const consumed = await runKcat(['-C', '-e', '-t', topic, '-f', '%s\\n', ...DEBUG]);
      expectCleanNegotiation(consumed);
      expect(sentRequests(consumed.stderr)).toContainEqual({ api: 'Fetch', version: 11 });
      expect(sentRequests(consumed.stderr).map((r) => r.api)).toContain('ListOffsets');
      expect(consumed.stdout.split('\n').filter(Boolean).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => valueOf(i)).sort(),
      );
    });
  });
});
