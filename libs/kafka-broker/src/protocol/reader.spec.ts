/**
 * ProtocolReader and the schema interpreter on hostile input: whatever a client sends, decoding fails
 * with MalformedRequestError (the connection is closed, the broker lives on), never with a RangeError
 * from Buffer or an allocation sized by a length field the client made up.
 */
import { encodeValues } from '../storage/test/batch-builder';
import { ApiSchema, isFlexible } from './api';
import { MalformedRequestError } from './errors';
import { decodeRequestBody, readRequestHeader } from './frame';
import { apiVersionsApi } from './messages/api-versions';
import { createTopicsApi } from './messages/create-topics';
import { fetchApi } from './messages/fetch';
import { heartbeatApi } from './messages/heartbeat';
import { API_BY_KEY } from './messages/index';
import { joinGroupApi } from './messages/join-group';
import { metadataApi } from './messages/metadata';
import { offsetCommitApi } from './messages/offset-commit';
import { produceApi } from './messages/produce';
import { ProtocolReader } from './reader';
import { StructValue, decodeStruct, encodeStruct } from './schema';
import { ProtocolWriter } from './writer';

interface ValidRequest {
  api: ApiSchema;
  version: number;
  body: StructValue;
}

/** A consumer's subscription as kafkajs encodes it: version 1, topics [orders.created], no user data. */
const SUBSCRIPTION = Buffer.from('000100000001000e6f72646572732e6372656174656400000000', 'hex');

const JOIN_GROUP_V5: ValidRequest = {
  api: joinGroupApi,
  version: 5,
  body: {
    groupId: 'orders-svc',
    sessionTimeoutMs: 30_000,
    rebalanceTimeoutMs: 60_000,
    memberId: '',
    groupInstanceId: 'orders-svc-pod-0',
    protocolType: 'consumer',
    protocols: [
      {
        name: 'RoundRobinAssigner',
        metadata: SUBSCRIPTION,
      },
    ],
  },
};

const VALID_REQUESTS: ValidRequest[] = [
  {
    api: produceApi,
    version: 7,
    body: {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [
        { name: 'orders.created', partitionData: [{ index: 0, records: encodeValues('order', 3) }] },
      ],
    },
  },
  {
    api: fetchApi,
    version: 11,
    body: {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52_428_800,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'orders.created',
          partitions: [{ partition: 0, fetchOffset: 5_000_000_123, partitionMaxBytes: 1 << 20 }],
        },
      ],
      forgottenTopicsData: [{ topic: 'orders.cancelled', partitions: [2, 7] }],
      rackId: 'eu-west-1a',
    },
  },
  JOIN_GROUP_V5,
  {
    api: createTopicsApi,
    version: 3,
    body: {
      topics: [
        {
          name: 'orders.created',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }],
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      timeoutMs: 15_000,
      validateOnly: false,
    },
  },
  {
    api: offsetCommitApi,
    version: 2,
    body: {
      groupId: 'orders-svc',
      generationId: 8,
      memberId: 'orders-svc-1a2b',
      retentionTimeMs: -1,
      topics: [
        {
          name: 'orders.created',
          partitions: [{ partitionIndex: 0, committedOffset: 42, committedMetadata: null }],
        },
      ],
    },
  },
  {
    api: metadataApi,
    version: 6,
    body: { topics: [{ name: 'orders.created' }], allowAutoTopicCreation: false },
  },
  {
    api: apiVersionsApi,
    version: 3,
    body: { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.3.0' },
  },
];

function encodeBody({ api, version, body }: ValidRequest): Buffer {
  const writer = new ProtocolWriter();
  encodeStruct(writer, api.request, version, isFlexible(api, version), body);
  return writer.toBuffer();
}

/** A whole request after its size prefix: header v1 (v2 when flexible), then the body. */
function encodeFrame(request: ValidRequest): Buffer {
  const writer = new ProtocolWriter()
    .int16(request.api.key)
    .int16(request.version)
    .int32(1)
    .nullableString('rdkafka', false);
  if (isFlexible(request.api, request.version)) writer.unsignedVarint(0);
  return Buffer.concat([writer.toBuffer(), encodeBody(request)]);
}

function decodeBody({ api, version }: ValidRequest, bytes: Buffer): StructValue {
  const reader = new ProtocolReader(bytes);
  const body = decodeStruct(reader, api.request, version, isFlexible(api, version));
  expect(reader.remaining).toBe(0);
  return body;
}

/** Runs `decode` and describes how it failed, unless it failed with MalformedRequestError. */
function failureOtherThanMalformed(decode: () => unknown): string | null {
  try {
    decode();
    return 'decoded without error';
  } catch (error) {
    return error instanceof MalformedRequestError ? null : String(error);
  }
}

/** Deterministic PRNG (mulberry32) so a failing mutation can be replayed. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytes(...parts: (number[] | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((part) => (Buffer.isBuffer(part) ? part : Buffer.from(part))));
}

const INT32_MAX = [0x7f, 0xff, 0xff, 0xff];
const NULL_STRING = [0xff, 0xff];

describe('ProtocolReader on truncated input', () => {
  it.each(VALID_REQUESTS)(
    '$api.name v$version request decodes whole, and cut short at any byte fails as MalformedRequestError',
    (request) => {
      const full = encodeBody(request);
      expect(decodeBody(request, full)).toMatchObject(request.body);
      const failures = Array.from({ length: full.length }, (_, cut) => {
        const failure = failureOtherThanMalformed(() => decodeBody(request, full.subarray(0, cut)));
        return failure === null ? null : `cut at ${cut}/${full.length}: ${failure}`;
      }).filter((failure) => failure !== null);
      expect(failures).toEqual([]);
    },
  );

  it.each(VALID_REQUESTS)(
    '$api.name v$version request header cut short fails as MalformedRequestError',
    (request) => {
      const frame = encodeFrame(request);
      for (let cut = 0; cut < 8 + 2 + 'rdkafka'.length; cut++) {
        expect(() => readRequestHeader(new ProtocolReader(frame.subarray(0, cut)))).toThrow(
          MalformedRequestError,
        );
      }
    },
  );

  const reads: [string, (reader: ProtocolReader) => unknown][] = [
    ['int8', (r) => r.int8()],
    ['int16', (r) => r.int16()],
    ['int32', (r) => r.int32()],
    ['uint32', (r) => r.uint32()],
    ['int64', (r) => r.int64()],
    ['float64', (r) => r.float64()],
    ['bool', (r) => r.bool()],
    ['uuid', (r) => r.uuid()],
    ['unsignedVarint', (r) => r.unsignedVarint()],
    ['varint', (r) => r.varint()],
    ['nullableBytes', (r) => r.nullableBytes(false)],
    ['compact nullableBytes', (r) => r.nullableBytes(true)],
    ['nullableString', (r) => r.nullableString(false)],
    ['compact nullableString', (r) => r.nullableString(true)],
    ['arrayLength', (r) => r.arrayLength(false)],
    ['compact arrayLength', (r) => r.arrayLength(true)],
    ['skipTaggedFields', (r) => r.skipTaggedFields()],
  ];

  it.each(reads)(
    '%s past the end of the buffer fails as MalformedRequestError, not RangeError',
    (_name, read) => {
      // Each prefix of these 16 bytes either holds a whole value for the read or must fail cleanly.
      const value = Buffer.from([0x00, 0x00, 0x00, 0x02, 0x41, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      for (let length = 0; length < value.length; length++) {
        const reader = new ProtocolReader(value.subarray(0, length));
        const failure = failureOtherThanMalformed(() => read(reader));
        if (failure === 'decoded without error') continue; // this prefix holds a whole (shorter) value
        expect(failure).toBeNull();
      }
      expect(() => read(new ProtocolReader(Buffer.alloc(0)))).toThrow(MalformedRequestError);
    },
  );
});

describe('ProtocolReader on absurd lengths', () => {
  // Each length is checked against the bytes left before anything is sliced or allocated: the messages
  // name the claimed length, and an array may claim at most one element per byte left.
  const cases: [string, () => unknown, RegExp][] = [
    [
      'Produce v7 topic array of 2^31-1 entries',
      () =>
        decodeStruct(
          new ProtocolReader(bytes(NULL_STRING, [0xff, 0xff], [0, 0, 0x75, 0x30], INT32_MAX, [0, 1])),
          produceApi.request,
          7,
          false,
        ),
      /array of 2147483647 elements with 2 bytes left/,
    ],
    [
      'Fetch v4 partition array of 2^31-1 entries inside a topic',
      () =>
        decodeStruct(
          new ProtocolReader(
            bytes(Buffer.alloc(17), [0, 0, 0, 1], [0, 1, 0x61], INT32_MAX, Buffer.alloc(16)),
          ),
          fetchApi.request,
          4,
          false,
        ),
      /array of 2147483647 elements with 16 bytes left/,
    ],
    [
      'compact (flexible) array of 2^32-2 entries',
      () =>
        decodeStruct(
          new ProtocolReader(bytes([0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0])),
          metadataApi.request,
          9,
          true,
        ),
      /array of 4294967294 elements with 2 bytes left/,
    ],
    [
      'CreateTopics broker id array claiming one entry per byte left (the most arrayLength allows)',
      () =>
        decodeStruct(
          new ProtocolReader(
            bytes(
              [0, 0, 0, 1],
              [0, 1, 0x74],
              [0, 0, 0, 1],
              [0, 1],
              [0, 0, 0, 1],
              [0, 0, 0, 0],
              [0, 0, 0, 8],
              Buffer.alloc(8),
            ),
          ),
          createTopicsApi.request,
          0,
          false,
        ),
      /truncated: needed 4 bytes at 33 of 33/,
    ],
    [
      'string of 32767 bytes with 3 left',
      () => new ProtocolReader(bytes([0x7f, 0xff], [0x61, 0x62, 0x63])).nullableString(false),
      /truncated: needed 32767 bytes at 2 of 5/,
    ],
    [
      'bytes of 2^31-1 with 3 left',
      () => new ProtocolReader(bytes(INT32_MAX, [1, 2, 3])).nullableBytes(false),
      /truncated: needed 2147483647 bytes/,
    ],
    [
      'compact string of 2^35-2 bytes',
      () => new ProtocolReader(bytes([0xff, 0xff, 0xff, 0xff, 0x7f], [0x61])).nullableString(true),
      /truncated: needed 34359738366 bytes/,
    ],
    [
      'Produce v3 records of 2^31-1 bytes',
      () =>
        decodeStruct(
          new ProtocolReader(
            bytes(
              NULL_STRING,
              [0, 1],
              [0, 0, 0, 0],
              [0, 0, 0, 1],
              [0, 1, 0x74],
              [0, 0, 0, 1],
              [0, 0, 0, 0],
              INT32_MAX,
              Buffer.alloc(61),
            ),
          ),
          produceApi.request,
          3,
          false,
        ),
      /truncated: needed 2147483647 bytes/,
    ],
    [
      'varint longer than 5 bytes',
      () => new ProtocolReader(bytes([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).unsignedVarint(),
      /varint longer than 5 bytes/,
    ],
    [
      'tagged field of 2^31 bytes',
      () =>
        new ProtocolReader(bytes([0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x08], [1, 2, 3])).skipTaggedFields(),
      /truncated: needed 2147483648 bytes/,
    ],
    [
      '2^32-1 tagged fields with 2 bytes left',
      () => new ProtocolReader(bytes([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x00])).skipTaggedFields(),
      /truncated/,
    ],
  ];

  it.each(cases)('%s fails as MalformedRequestError', (_name, decode, message) => {
    expect(decode).toThrow(MalformedRequestError);
    expect(decode).toThrow(message);
  });
});

describe('schema nullability', () => {
  it('JoinGroup v5 null protocol metadata (a non-nullable bytes field) is malformed', () => {
    const full = encodeBody(JOIN_GROUP_V5);
    const metadataAt = full.length - SUBSCRIPTION.length - 4;
    const nulled = Buffer.concat([full.subarray(0, metadataAt), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
    expect(() => decodeBody(JOIN_GROUP_V5, nulled)).toThrow(/field metadata is null but not nullable/);
  });

  it('Heartbeat null group id is malformed', () => {
    const reader = new ProtocolReader(bytes(NULL_STRING, [0, 0, 0, 1], [0, 1, 0x6d]));
    expect(() => decodeStruct(reader, heartbeatApi.request, 0, false)).toThrow(
      /field groupId is null but not nullable/,
    );
  });

  it('Metadata null topic array is malformed in v0 and means every topic from v1', () => {
    const nullArray = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    expect(() => decodeStruct(new ProtocolReader(nullArray), metadataApi.request, 0, false)).toThrow(
      MalformedRequestError,
    );
    expect(decodeStruct(new ProtocolReader(nullArray), metadataApi.request, 1, false)).toEqual({
      topics: null,
      allowAutoTopicCreation: true,
    });
  });
});

describe('decoding mutated requests', () => {
  it.each(VALID_REQUESTS)(
    '$api.name v$version request with random corruption decodes or fails as MalformedRequestError, nothing else',
    (request) => {
      const frame = encodeFrame(request);
      const random = prng(request.api.key * 100 + request.version);
      const failures: string[] = [];
      for (let round = 0; round < 400; round++) {
        const mutated = Buffer.from(frame);
        const flips = 1 + Math.floor(random() * 3);
        for (let i = 0; i < flips; i++)
          mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
        const input = random() < 0.3 ? mutated.subarray(0, Math.floor(random() * mutated.length)) : mutated;
        const failure = failureOtherThanMalformed(() => {
          const reader = new ProtocolReader(input);
          const header = readRequestHeader(reader);
          const api = API_BY_KEY.get(header.apiKey);
          // The connection turns an unknown API or version away before decoding any body.
          if (api === undefined || header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion)
            return;
          decodeRequestBody(reader, api, header.apiVersion);
        });
        if (failure !== null && failure !== 'decoded without error')
          failures.push(`${input.toString('hex')}: ${failure}`);
      }
      expect(failures).toEqual([]);
    },
  );
});
