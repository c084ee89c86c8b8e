import { Consumer, Kafka, logLevel, Producer } from 'kafkajs';
import { BrokerFixture, startTestBroker, waitFor } from './broker-fixture';
import { CapturedBrokerLog, RawClient } from './raw-client';

jest.setTimeout(60_000);

// ---------------------------------------------------------------------------------------------------
// A hand-written encoder, independent of the broker's codec: request frames, v2 record batches, CRC-32C.
// ---------------------------------------------------------------------------------------------------

const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Builds big-endian Kafka protocol bytes. */
class Bytes {
  private readonly parts: Buffer[] = [];

  private push(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.parts.push(b);
    return this;
  }

  int8(v: number): this {
    return this.push(1, (b) => b.writeInt8(v));
  }
  int16(v: number): this {
    return this.push(2, (b) => b.writeInt16BE(v));
  }
  int32(v: number): this {
    return this.push(4, (b) => b.writeInt32BE(v));
  }
  uint32(v: number): this {
    return this.push(4, (b) => b.writeUInt32BE(v));
  }
  int64(v: number): this {
    return this.push(8, (b) => b.writeBigInt64BE(BigInt(v)));
  }
  unsignedVarint(v: number): this {
    const bytes: number[] = [];
    let rest = v;
    while (rest >= 0x80) {
      bytes.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    bytes.push(rest);
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  /** Zig-zag varint, as record fields use. */
  varint(v: number): this {
    return this.unsignedVarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = Buffer.from(s);
    return this.int16(b.length).raw(b);
  }
  compactString(s: string): this {
    const b = Buffer.from(s);
    return this.unsignedVarint(b.length + 1).raw(b);
  }
  bytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** A size-prefixed request: header v1 (api key, version, correlation id, client id), then the body. */
function requestFrame(apiKey: number, version: number, correlationId: number, body: Buffer): Buffer {
  const payload = new Bytes().int16(apiKey).int16(version).int32(correlationId).string('raw-spec').raw(body);
  const bytes = payload.build();
  return new Bytes().int32(bytes.length).raw(bytes).build();
}

/** An uncompressed magic-2 record batch with a correct CRC-32C. */
function recordBatch(records: { key: string | null; value: string }[], timestamp = Date.now()): Buffer {
  const encoded = records.map(({ key, value }, i) => {
    const body = new Bytes().int8(0).varint(0).varint(i);
    if (key === null) body.varint(-1);
    else body.varint(Buffer.byteLength(key)).raw(Buffer.from(key));
    body.varint(Buffer.byteLength(value)).raw(Buffer.from(value)).varint(0);
    const bytes = body.build();
    return new Bytes().varint(bytes.length).raw(bytes).build();
  });
  const afterCrc = new Bytes()
    .int16(0) // attributes: no compression, create time
    .int32(records.length - 1) // lastOffsetDelta
    .int64(timestamp)
    .int64(timestamp)
    .int64(-1) // producerId
    .int16(-1) // producerEpoch
    .int32(-1) // baseSequence
    .int32(records.length)
    .raw(Buffer.concat(encoded))
    .build();
  return new Bytes()
    .int64(0) // baseOffset, assigned by the broker
    .int32(4 + 1 + 4 + afterCrc.length) // batchLength: everything after this field
    .int32(-1) // partitionLeaderEpoch
    .int8(2) // magic
    .uint32(crc32c(afterCrc))
    .raw(afterCrc)
    .build();
}

/** Produce v3 with one partition's record batch. */
function produceRequest(correlationId: number, topic: string, partition: number, batch: Buffer): Buffer {
  const body = new Bytes()
    .string(null) // transactionalId
    .int16(-1) // acks
    .int32(5000) // timeoutMs
    .int32(1)
    .string(topic)
    .int32(1)
    .int32(partition)
    .bytes(batch)
    .build();
  return requestFrame(0, 3, correlationId, body);
}

/** Reads a response by hand. */
class Cursor {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  int16(): number {
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): number {
    const v = Number(this.buf.readBigInt64BE(this.pos));
    this.pos += 8;
    return v;
  }
  string(): string {
    const length = this.int16();
    const v = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return v;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

interface ProducePartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  baseOffset: number;
}

/** Produce v3 response body (after the correlation id). */
function decodeProduceResponse(body: Buffer): ProducePartitionResult[] {
  const c = new Cursor(body);
  const results: ProducePartitionResult[] = [];
  for (let t = c.int32(); t > 0; t--) {
    const topic = c.string();
    for (let p = c.int32(); p > 0; p--) {
      const partition = c.int32();
      const errorCode = c.int16();
      const baseOffset = c.int64();
      c.int64(); // logAppendTimeMs
      results.push({ topic, partition, errorCode, baseOffset });
    }
  }
  c.int32(); // throttleTimeMs
  expect(c.remaining).toBe(0);
  return results;
}

const ErrorCode = { NONE: 0, CORRUPT_MESSAGE: 2, MESSAGE_TOO_LARGE: 10, UNSUPPORTED_VERSION: 35 } as const;

/** Deterministic pseudo-random bytes (mulberry32), so a failure can be replayed. */
function randomBytes(seed: number, length: number): Buffer {
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

// ---------------------------------------------------------------------------------------------------
// A raw TCP client and a logger that keeps what the broker says.
// ---------------------------------------------------------------------------------------------------

const brokerLog = new CapturedBrokerLog();
const logged = brokerLog.entries;

// ---------------------------------------------------------------------------------------------------
// A kafkajs producer and consumer that keep exchanging messages for the whole suite.
// ---------------------------------------------------------------------------------------------------

const SURVIVOR_TOPIC = 'survivor';

let fixture: BrokerFixture;
let kafka: Kafka;
const openClients: RawClient[] = [];

/** Send one message, wait until the consumer has it, repeat: the pace is the broker's round trip. */
class Traffic {
  readonly sent: string[] = [];
  readonly consumed: string[] = [];
  failure: Error | null = null;
  /** How many times a test waited for the traffic to make progress. */
  checks = 0;
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly producer: Producer,
    private readonly consumer: Consumer,
  ) {}

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: SURVIVOR_TOPIC, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        this.consumed.push(String(message.value));
      },
    });
    this.loop = this.run().catch((error: Error) => {
      this.failure = error;
    });
  }

  private async run(): Promise<void> {
    for (let i = 0; !this.stopping; i++) {
      const value = `ping-${i}`;
      await this.producer.send({ topic: SURVIVOR_TOPIC, acks: -1, messages: [{ key: 'ping', value }] });
      this.sent.push(value);
      await waitFor(`the consumer to get ${value}`, () => (this.consumed.includes(value) ? true : undefined));
    }
  }

  /** Resolves once two more messages have made the full round trip from now. */
  async advances(): Promise<void> {
    this.checks++;
    const target = this.consumed.length + 2;
    await waitFor('kafkajs traffic to keep flowing', () => {
      if (this.failure !== null) throw this.failure;
      return this.consumed.length >= target ? true : undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}

let traffic: Traffic;

beforeAll(async () => {
  fixture = await startTestBroker({ logger: brokerLog.logger });
  kafka = new Kafka({
    brokers: [fixture.broker.address],
    clientId: 'malformed-spec',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: SURVIVOR_TOPIC, numPartitions: 1 },
      { topic: 'crc-checked', numPartitions: 1 },
      { topic: 'default-limit', numPartitions: 1 },
      {
        topic: 'small-messages',
        numPartitions: 1,
        configEntries: [{ name: 'max.message.bytes', value: '1024' }],
      },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();
  traffic = new Traffic(
    kafka.producer({ allowAutoTopicCreation: false }),
    kafka.consumer({
      groupId: 'survivor-group',
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 250,
    }),
  );
  await traffic.start();
  await traffic.advances();
});

afterAll(async () => {
  for (const client of openClients) client.destroy();
  await traffic?.stop();
  await fixture?.stop();
});

async function open(): Promise<RawClient> {
  const client = await RawClient.open(fixture.broker.port, brokerLog);
  openClients.push(client);
  return client;
}

async function highWatermark(topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const [partition] = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return Number(partition.high);
}

const metadataV1 = (correlationId: number): Buffer =>
  requestFrame(3, 1, correlationId, new Bytes().int32(2).string('orders').string('returns').build());

describe('connections sending bad bytes are closed, with a log line naming the client and the reason', () => {
  // The first four bytes of random data are read as the frame size. For this seed they say 739401366
  // (705 MiB), as most random sizes are impossible; a plausible one would make the broker wait for
  // the rest of the frame, as Kafka does.
  const noise = randomBytes(7, 512);

  const cases: [string, Buffer, RegExp][] = [
    ['random bytes', noise, /^frame size 739401366 outside 10\.\.104857600 bytes$/],
    [
      'a negative size prefix',
      new Bytes().int32(-42).raw(randomBytes(1, 64)).build(),
      /^frame size -42 outside/,
    ],
    [
      'a huge size prefix (2 GiB)',
      new Bytes().int32(0x7fffffff).raw(randomBytes(2, 64)).build(),
      /^frame size 2147483647 outside/,
    ],
    [
      'a size prefix over the 100 MiB request limit',
      new Bytes().int32(100 * 1024 * 1024 + 1).build(),
      /outside/,
    ],
    [
      'a frame shorter than a request header',
      new Bytes().int32(6).int16(3).int16(1).int16(0).build(),
      /^frame size 6/,
    ],
    [
      'a complete frame holding a truncated Metadata request',
      (() => {
        const whole = metadataV1(1).subarray(4);
        const cut = whole.subarray(0, whole.length - 5);
        return new Bytes().int32(cut.length).raw(cut).build();
      })(),
      /^malformed Metadata v1: truncated/,
    ],
    [
      'a header whose client id runs past the frame',
      new Bytes().int32(10).int16(3).int16(1).int32(9).int16(200).build(),
      /^unreadable request header: truncated/,
    ],
    ['an unknown API key (999)', requestFrame(999, 0, 1, Buffer.alloc(0)), /^unknown API key 999$/],
    [
      'an API key Kafka has but this broker does not (InitProducerId, 22)',
      requestFrame(22, 1, 1, new Bytes().string(null).int32(60000).build()),
      /^unknown API key 22$/,
    ],
    [
      'an unsupported version of Metadata (v12)',
      requestFrame(3, 12, 1, Buffer.alloc(0)),
      /^unsupported version 12 of API key 3$/,
    ],
    [
      'an unsupported version of Metadata (v-1)',
      requestFrame(3, -1, 1, Buffer.alloc(0)),
      /^unsupported version -1 of API key 3$/,
    ],
    [
      'bytes left over after a valid ApiVersions v0 request',
      requestFrame(18, 0, 1, Buffer.from('tail')),
      /^malformed ApiVersions v0: 4 unexpected bytes/,
    ],
    [
      'a Produce request with a garbage body',
      requestFrame(0, 3, 1, randomBytes(3, 40)),
      /^malformed Produce v3/,
    ],
  ];

  it.each(cases)('closes the connection on %s', async (_name, bytes, reason) => {
    const client = await open();
    client.write(bytes);
    await client.closedByBroker();
    const line = await waitFor('the log line about the closed client', () => brokerLog.closingOf(client));
    expect(line.level).toBe('warn');
    expect(line.fields.reason).toMatch(reason);
    await traffic.advances();
  });

  it('closes each connection that sends a frame of random bytes, whatever the decoder makes of it', async () => {
    const clients: RawClient[] = [];
    for (let seed = 100; seed < 130; seed++) {
      const client = await open();
      const body = randomBytes(seed, 16 + (seed % 50));
      client.write(new Bytes().int32(body.length).raw(body).build());
      clients.push(client);
    }
    for (const client of clients) {
      await client.closedByBroker();
      const line = await waitFor('the log line about the closed client', () => brokerLog.closingOf(client));
      expect(line.fields.reason).toEqual(expect.any(String));
    }
    await traffic.advances();
  });

  it('closes a connection whose client stops in the middle of a frame and ends its side', async () => {
    const client = await open();
    const frame = metadataV1(5);
    client.write(frame.subarray(0, frame.length - 7));
    client.end();
    // No request was complete, so there is nothing to answer: the broker closes its side too.
    await client.closedByBroker();
    await traffic.advances();
  });

  it('reads a request split into single bytes and answers it (the framing itself is not the problem)', async () => {
    const client = await open();
    const frame = requestFrame(18, 0, 77, Buffer.alloc(0));
    for (const byte of frame) client.write(Buffer.from([byte]));
    const { correlationId, body } = await client.response();
    expect(correlationId).toBe(77);
    expect(body.readInt16BE(0)).toBe(ErrorCode.NONE);
    expect(client.closed).toBe(false);
  });
});

interface ApiRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** ApiVersions response v0 body: error code, then [api key, min version, max version]; nothing else. */
function decodeApiVersionsV0(body: Buffer): { errorCode: number; ranges: ApiRange[] } {
  const reply = new Cursor(body);
  const errorCode = reply.int16();
  const ranges = Array.from({ length: reply.int32() }, () => ({
    apiKey: reply.int16(),
    minVersion: reply.int16(),
    maxVersion: reply.int16(),
  }));
  expect(reply.remaining).toBe(0);
  return { errorCode, ranges };
}

/**
 * ApiVersions as a v3+ client sends it: request header v2 (client id, then tagged fields) and the
 * compact client software name and version, then the body's tagged fields.
 */
function apiVersionsFlexible(
  version: number,
  correlationId: number,
  name: string,
  softwareVersion: string,
): Buffer {
  const payload = new Bytes()
    .int16(18)
    .int16(version)
    .int32(correlationId)
    .string(name)
    .unsignedVarint(0)
    .compactString(name)
    .compactString(softwareVersion)
    .unsignedVarint(0)
    .build();
  return new Bytes().int32(payload.length).raw(payload).build();
}

describe('ApiVersions with a version the broker does not know', () => {
  /** The API keys the README lists as implemented. */
  const IMPLEMENTED_KEYS = [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20];

  it('answers v99 with a v0 response carrying UNSUPPORTED_VERSION and the supported ranges, and keeps the connection', async () => {
    const client = await open();
    // A v99 request uses the flexible header and a body the broker cannot know.
    client.write(apiVersionsFlexible(99, 4242, 'future-client', '99.0'));
    const { correlationId, body } = await client.response();
    expect(correlationId).toBe(4242);
    const { errorCode, ranges } = decodeApiVersionsV0(body);
    expect(errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    // Kafka's answer must list at least ApiVersions, so the client can retry with a version in it.
    expect(ranges).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
    expect(ranges.map((r) => r.apiKey)).toEqual(IMPLEMENTED_KEYS);

    // The ranges are the ones a supported ApiVersions request gets.
    const plain = await open();
    plain.write(requestFrame(18, 0, 1, Buffer.alloc(0)));
    const normal = decodeApiVersionsV0((await plain.response()).body);
    expect(normal.errorCode).toBe(ErrorCode.NONE);
    expect(ranges).toEqual(normal.ranges);

    // As with Kafka, the client may go on with a version from the answer on the same connection.
    client.write(apiVersionsFlexible(3, 4243, 'raw-spec', '1.0'));
    const retry = await client.response();
    expect(retry.correlationId).toBe(4243);
    expect(retry.body.readInt16BE(0)).toBe(ErrorCode.NONE);
    expect(client.closed).toBe(false);
    await traffic.advances();
  });
});

describe('Produce with bad record batches', () => {
  it('stores a hand-built batch with a correct CRC-32C (the encoder used below is sound)', async () => {
    const client = await open();
    const batch = recordBatch([
      { key: 'k1', value: 'hand-built-1' },
      { key: null, value: 'hand-built-2' },
    ]);
    client.write(produceRequest(1, 'crc-checked', 0, batch));
    const { correlationId, body } = await client.response();
    expect(correlationId).toBe(1);
    expect(decodeProduceResponse(body)).toEqual([
      { topic: 'crc-checked', partition: 0, errorCode: ErrorCode.NONE, baseOffset: 0 },
    ]);
    expect(await highWatermark('crc-checked')).toBe(2);
  });

  it('answers a batch whose CRC does not match with CORRUPT_MESSAGE and stores nothing', async () => {
    const before = await highWatermark('crc-checked');
    const client = await open();
    const batch = recordBatch([{ key: 'k', value: 'this value gets a flipped bit' }]);
    batch[batch.length - 5] ^= 0x01; // inside the value, covered by the CRC
    client.write(produceRequest(2, 'crc-checked', 0, batch));
    const { correlationId, body } = await client.response();
    expect(correlationId).toBe(2);
    expect(decodeProduceResponse(body)).toEqual([
      { topic: 'crc-checked', partition: 0, errorCode: ErrorCode.CORRUPT_MESSAGE, baseOffset: -1 },
    ]);
    expect(await highWatermark('crc-checked')).toBe(before);
    expect(logged).toContainEqual({
      level: 'warn',
      message: 'rejected produce',
      fields: { topic: 'crc-checked', partition: 0, reason: 'CRC mismatch in batch at byte 0' },
    });

    // A Kafka error code, not a protocol violation: the connection stays usable.
    client.write(produceRequest(3, 'crc-checked', 0, recordBatch([{ key: 'k', value: 'after-corrupt' }])));
    const next = await client.response();
    expect(decodeProduceResponse(next.body)).toEqual([
      { topic: 'crc-checked', partition: 0, errorCode: ErrorCode.NONE, baseOffset: before },
    ]);

    // Reading the partition back shows the good batches only.
    const seen: string[] = [];
    const consumer = kafka.consumer({
      groupId: 'crc-reader',
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 250,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'crc-checked', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(String(message.value));
      },
    });
    await waitFor('the good batches', () => (seen.length >= 3 ? true : undefined));
    await consumer.disconnect();
    expect(seen).toEqual(['hand-built-1', 'hand-built-2', 'after-corrupt']);
  });

  it("answers a batch larger than the topic's max.message.bytes with MESSAGE_TOO_LARGE", async () => {
    const client = await open();
    const small = recordBatch([{ key: null, value: 'x'.repeat(900) }]);
    const large = recordBatch([{ key: null, value: 'x'.repeat(1100) }]);
    expect(small.length).toBeLessThanOrEqual(1024);
    expect(large.length).toBeGreaterThan(1024);

    client.write(produceRequest(10, 'small-messages', 0, large));
    const rejected = await client.response();
    expect(decodeProduceResponse(rejected.body)).toEqual([
      { topic: 'small-messages', partition: 0, errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1 },
    ]);
    client.write(produceRequest(11, 'small-messages', 0, small));
    const accepted = await client.response();
    expect(decodeProduceResponse(accepted.body)).toEqual([
      { topic: 'small-messages', partition: 0, errorCode: ErrorCode.NONE, baseOffset: 0 },
    ]);
    expect(await highWatermark('small-messages')).toBe(1);

    // kafkajs sees the same error code and does not retry it.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await expect(
      producer.send({ topic: 'small-messages', acks: -1, messages: [{ value: 'y'.repeat(2000) }] }),
    ).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    await producer.disconnect();
    expect(await highWatermark('small-messages')).toBe(1);
  });

  it('applies the broker default limit (1 MiB + 12 bytes) to topics without their own', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await expect(
      producer.send({
        topic: 'default-limit',
        acks: -1,
        messages: [{ value: Buffer.alloc(1024 * 1024 + 100) }],
      }),
    ).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
    await producer.send({
      topic: 'default-limit',
      acks: -1,
      messages: [{ value: Buffer.alloc(1000 * 1024) }],
    });
    await producer.disconnect();
    expect(await highWatermark('default-limit')).toBe(1);
  });
});

describe('the kafkajs client on its own connection', () => {
  it('kept producing and consuming, in order and without errors, through all of the above', async () => {
    await traffic.advances();
    expect(traffic.failure).toBeNull();
    const { sent, consumed } = traffic;
    expect(consumed.slice(0, sent.length)).toEqual(sent);
    // Every bad-input test above waited for two more round trips after its bad connection.
    expect(consumed.length).toBeGreaterThanOrEqual(2 * traffic.checks);
    const errors = logged.filter((l) => l.level === 'error');
    expect(errors).toEqual([]);
  });
});
