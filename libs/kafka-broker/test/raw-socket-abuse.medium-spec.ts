import fc from 'fast-check';
import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { BrokerFixture, EXTERNAL_KAFKA_ENV, startTestBroker, waitFor } from './broker-fixture';
import { CapturedBrokerLog, RawClient } from './raw-client';

/*
 * Abusive raw sockets next to well-behaved clients. Apache Kafka's rules, which the broker follows:
 * a size prefix below zero or above socket.request.max.bytes (100 MiB) closes the connection before
 * anything of that size is read; an unknown API key, an unreadable header or a body that does not
 * decode closes it; ApiVersions in a version the broker does not know is answered (v0,
 * UNSUPPORTED_VERSION) and any other API in such a version closes. Neither Kafka (its
 * connections.max.idle.ms is 10 minutes) nor this broker sets an idle timeout short enough to
 * test, so idle connections are only checked not to get in anyone's way.
 */

// The log lines and the in-process memory reading need the broker in this process.
const describeInProcess = process.env[EXTERNAL_KAFKA_ENV] ? describe.skip : describe;

jest.setTimeout(180_000);

const STREAM_TOPIC = 'abuse-stream';
const PARTITIONS = 3;
/** Messages the producer sends per request; each one goes to partition `seq % PARTITIONS`. */
const BATCH = 6;

/** Big-endian Kafka protocol bytes, written by hand so that they do not depend on the broker's codec. */
class Bytes {
  private readonly parts: Buffer[] = [];

  private push(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.parts.push(b);
    return this;
  }

  int16(v: number): this {
    return this.push(2, (b) => b.writeInt16BE(v));
  }
  int32(v: number): this {
    return this.push(4, (b) => b.writeInt32BE(v));
  }
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s);
    return this.int16(b.length).raw(b);
  }
  raw(b: Buffer | Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Size prefix, then request header v1 (api key, version, correlation id, client id) and the body. */
function requestFrame(apiKey: number, version: number, correlationId: number, body: Buffer): Buffer {
  const payload = new Bytes()
    .int16(apiKey)
    .int16(version)
    .int32(correlationId)
    .string('abuser')
    .raw(body)
    .build();
  return new Bytes().int32(payload.length).raw(payload).build();
}

/** ApiVersions v0 has an empty body: the cheapest request that must always get an answer. */
const apiVersionsV0 = (correlationId: number): Buffer => requestFrame(18, 0, correlationId, Buffer.alloc(0));

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function seededBytes(seed: number, length: number): Buffer {
  let state = seed >>> 0;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

const brokerLog = new CapturedBrokerLog();
const logged = brokerLog.entries;

const closingReason = (client: RawClient): string | undefined =>
  brokerLog.closingOf(client)?.fields.reason as string | undefined;

/**
 * A kafkajs producer sending numbered messages round-robin over the partitions, as fast as acks=all
 * allows, and a consumer group member recording what it gets, partition by partition.
 */
class Stream {
  readonly sent: string[][] = Array.from({ length: PARTITIONS }, () => []);
  readonly consumed: { offset: string; value: string }[][] = Array.from({ length: PARTITIONS }, () => []);
  failure: Error | null = null;
  private seq = 0;
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
  ) {}

  get sentCount(): number {
    return this.sent.reduce((n, p) => n + p.length, 0);
  }

  get consumedCount(): number {
    return this.consumed.reduce((n, p) => n + p.length, 0);
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: STREAM_TOPIC, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        this.consumed[partition].push({ offset: message.offset, value: String(message.value) });
      },
    });
    this.loop = this.run().catch((error: Error) => {
      this.failure = error;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const messages = Array.from({ length: BATCH }, () => {
        const seq = this.seq++;
        return { partition: seq % PARTITIONS, value: `m-${seq}` };
      });
      await this.producer.send({ topic: STREAM_TOPIC, acks: -1, messages });
      for (const m of messages) this.sent[m.partition].push(m.value);
      // Leave the event loop some air: the broker runs in this process too.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Resolves once the consumer has received `count` more messages than it had. */
  async advances(count = 2 * BATCH): Promise<void> {
    const target = this.consumedCount + count;
    await waitFor('the kafkajs stream to keep flowing', () => {
      if (this.failure !== null) throw this.failure;
      return this.consumedCount >= target ? true : undefined;
    });
  }

  /** Stops producing and waits until everything sent has been consumed. */
  async drain(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await waitFor('the consumer to catch up', () =>
      this.consumedCount >= this.sentCount ? true : undefined,
    );
  }

  async disconnect(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}

describeInProcess('raw-socket abuse while kafkajs clients keep streaming', () => {
  let fixture: BrokerFixture;
  let stream: Stream;
  const rawClients: RawClient[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (error: unknown): void => {
    unhandled.push(error);
  };

  const open = async (): Promise<RawClient> => {
    const client = await RawClient.open(fixture.broker.port, brokerLog);
    rawClients.push(client);
    return client;
  };

  /** A fresh connection still gets its ApiVersions answered: the broker is alive and serving. */
  const brokerAnswers = async (): Promise<void> => {
    const probe = await open();
    probe.write(apiVersionsV0(31337));
    const { correlationId, body } = await probe.response();
    expect(correlationId).toBe(31337);
    expect(body.readInt16BE(0)).toBe(0);
    probe.destroy();
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    fixture = await startTestBroker({ logger: brokerLog.logger });
    const kafka = new Kafka({
      brokers: [fixture.broker.address],
      clientId: 'abuse-spec',
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: STREAM_TOPIC, numPartitions: PARTITIONS }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    stream = new Stream(
      kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 }),
      kafka.consumer({
        groupId: 'abuse-stream-group',
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
        maxWaitTimeInMs: 100,
      }),
    );
    await stream.start();
    await stream.advances();
  });

  afterAll(async () => {
    for (const client of rawClients) client.destroy();
    await stream?.disconnect();
    await fixture?.stop();
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  });

  describe('connections that break the framing or the header are closed, with the reason logged', () => {
    const cases = (maxRequestBytes: number): [string, Buffer, RegExp][] => [
      [
        'a negative size prefix',
        new Bytes().int32(-1).raw(seededBytes(1, 32)).build(),
        /^frame size -1 outside/,
      ],
      [
        'a size one byte over the maximum request size',
        new Bytes()
          .int32(maxRequestBytes + 1)
          .raw(seededBytes(2, 64 * 1024))
          .build(),
        new RegExp(`^frame size ${maxRequestBytes + 1} outside 10\\.\\.${maxRequestBytes} bytes$`),
      ],
      [
        'the largest possible size prefix',
        new Bytes().int32(0x7fffffff).build(),
        /^frame size 2147483647 outside/,
      ],
      ['a valid size holding garbage', requestFrame(0, 3, 1, seededBytes(3, 40)), /^malformed Produce v3/],
      ['an unknown api key', requestFrame(4242, 0, 1, Buffer.alloc(0)), /^unknown API key 4242$/],
      [
        'an unsupported version of Fetch',
        requestFrame(1, 99, 1, Buffer.alloc(0)),
        /^unsupported version 99 of API key 1$/,
      ],
      [
        'a client id length reaching past the frame',
        new Bytes().int32(12).int16(18).int16(0).int32(7).int16(1000).int16(0).build(),
        /^unreadable request header: truncated/,
      ],
    ];

    it('closes each of them, all at once, while the stream flows', async () => {
      const all = cases(fixture.broker.config.maxRequestBytes);
      const before = stream.consumedCount;
      const outcomes = await Promise.all(
        all.map(async ([name, bytes, reason]) => {
          const client = await open();
          client.write(bytes);
          await client.closedByBroker();
          const logged = await waitFor(`the log line for ${name}`, () => closingReason(client));
          return { name, logged, reason };
        }),
      );
      for (const { name, logged, reason } of outcomes)
        expect({ name, logged }).toEqual({ name, logged: expect.stringMatching(reason) });
      await stream.advances();
      expect(stream.consumedCount).toBeGreaterThan(before);
    });

    it('answers ApiVersions in an unknown version with UNSUPPORTED_VERSION, as Kafka does, and keeps the connection', async () => {
      const client = await open();
      client.write(requestFrame(18, 99, 4711, Buffer.alloc(0)));
      const { correlationId, body } = await client.response();
      expect(correlationId).toBe(4711);
      expect(body.readInt16BE(0)).toBe(35); // UNSUPPORTED_VERSION
      client.write(apiVersionsV0(4712));
      expect((await client.response()).correlationId).toBe(4712);
      expect(client.isGone).toBe(false);
    });

    it('forgets a truncated frame when the client goes away, and logs it', async () => {
      const client = await open();
      const frame = apiVersionsV0(9);
      client.write(frame.subarray(0, frame.length - 3));
      client.end();
      await client.closedByBroker();
      await waitFor('the mid-frame log line', () =>
        logged.find(
          (l) => l.message === 'client disconnected mid-frame' && l.fields.client === client.address,
        ),
      );
      await brokerAnswers();
    });
  });

  describe('connections that hold resources', () => {
    it('does not allocate the size a frame announces before the bytes arrive', async () => {
      const announced = fixture.broker.config.maxRequestBytes; // the largest size still allowed
      const holders = 8;
      global.gc?.();
      const before = process.memoryUsage().arrayBuffers;
      const clients = await Promise.all(Array.from({ length: holders }, () => open()));
      for (const client of clients)
        client.write(new Bytes().int32(announced).raw(seededBytes(4, 100)).build());
      // Every holder is read (and its bytes buffered) before the broker answers this probe.
      await brokerAnswers();
      const grown = process.memoryUsage().arrayBuffers - before;
      // Allocating the announced sizes would add 8 x 100 MiB; one announced size is the ceiling.
      expect(grown).toBeLessThan(announced);
      // A frame that is waiting for its bytes is not an error: the connections stay open, as in Kafka.
      expect(clients.filter((c) => c.isGone)).toEqual([]);
      for (const client of clients) client.destroy();
      await stream.advances();
    });

    it('keeps serving while many connections open and never send a byte', async () => {
      const idle = await Promise.all(Array.from({ length: 200 }, () => open()));
      // Slowloris: half a size prefix, then nothing.
      const trickling = await Promise.all(Array.from({ length: 50 }, () => open()));
      for (const client of trickling) client.write(Buffer.from([0, 0]));
      await stream.advances(4 * BATCH);
      await brokerAnswers();
      // No idle timeout is specified (Kafka's is 10 minutes), so the broker may keep them; none is an error.
      expect(logged.filter((l) => l.level === 'error')).toEqual([]);
      for (const client of [...idle, ...trickling]) client.destroy();
      await brokerAnswers();
    });
  });

  describe('property: random bytes never break the broker', () => {
    const maxRequestBytes = (): number => fixture.broker.config.maxRequestBytes;

    it('closes or answers any complete frame of random bytes, and a request sent after it is answered in order or the connection is closed', async () => {
      await fc.assert(
        fc.asyncProperty(
          // A plausible header (any key, version and correlation id) or none, then random bytes.
          fc.oneof(
            fc.uint8Array({ minLength: 10, maxLength: 400 }),
            fc
              .tuple(
                fc.integer({ min: 0, max: 20 }),
                fc.integer({ min: -1, max: 12 }),
                fc.uint8Array({ maxLength: 300 }),
              )
              .map(([key, version, rest]) =>
                new Bytes().int16(key).int16(version).int32(1).raw(rest).build(),
              ),
          ),
          async (payload) => {
            const client = await open();
            client.write(new Bytes().int32(payload.length).raw(payload).build());
            client.write(apiVersionsV0(-7));
            // Either the broker gives up on the connection, or it answers the probe after whatever it
            // answered for the random frame; it never leaves both unanswered.
            const outcome = await waitFor('the broker to close or answer the probe', () => {
              for (
                let response = client.takeResponse();
                response !== undefined;
                response = client.takeResponse()
              )
                if (response.correlationId === -7) return 'answered';
              return client.isGone ? 'closed' : undefined;
            });
            client.destroy();
            return outcome === 'answered' || outcome === 'closed';
          },
        ),
        { numRuns: 150, seed: 8_2026, endOnFailure: true },
      );
      await stream.advances();
    });

    it('closes any connection whose random size prefix lies outside 10..max request size, without waiting for more', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.integer({ min: -0x80000000, max: 9 }),
            fc.integer({ min: maxRequestBytes() + 1, max: 0x7fffffff }),
          ),
          fc.uint8Array({ maxLength: 64 }),
          async (size, rest) => {
            const client = await open();
            client.write(new Bytes().int32(size).raw(rest).build());
            await client.closedByBroker();
            return /outside/.test((await waitFor('the closing log line', () => closingReason(client))) ?? '');
          },
        ),
        { numRuns: 60, seed: 8_2026, endOnFailure: true },
      );
      await stream.advances();
    });
  });

  describe('the kafkajs clients, after all of the above', () => {
    it('got every message exactly once, in order per partition, and the broker logged no error', async () => {
      await stream.advances();
      await stream.drain();
      expect(stream.failure).toBeNull();
      // Thousands of messages flowed while the raw sockets did their worst.
      expect(stream.sentCount).toBeGreaterThan(10 * BATCH);
      for (let p = 0; p < PARTITIONS; p++) {
        const got = stream.consumed[p];
        expect(got.map((m) => m.value)).toEqual(stream.sent[p]);
        expect(got.map((m) => Number(m.offset))).toEqual(got.map((_, i) => i));
      }
      expect(logged.filter((l) => l.level === 'error')).toEqual([]);
      expect(unhandled).toEqual([]);
    });
  });
});
