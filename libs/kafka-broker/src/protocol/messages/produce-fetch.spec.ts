/**
 * Produce and Fetch, checked against kafkajs 2.2.4's own protocol code: kafkajs encodes requests (with
 * real v2 record batches) that the broker's schemas must decode, and decodes the responses the broker
 * encodes. The other APIs are covered the same way in messages.spec.ts,
 * group-messages.spec.ts and offset-messages.spec.ts.
 */
import { ErrorCode } from '../error-codes';
import { encodeResponse } from '../frame';
import { assignOffsets, validateRecordBatches } from '../record-batch';
import { fetchApi } from './fetch';
import { produceApi } from './produce';
import {
  KafkaJsDecoder,
  KAFKAJS,
  brokerDecodes,
  kafkajsDecodes,
  kafkajsThrottle,
  versionsOf,
  trackKafkajsReads,
} from './test/kafkajs-oracle';

trackKafkajsReads();

// --- kafkajs's record batch encoder and decoder. ---

interface KafkaJsEncoder {
  readonly buffer: Buffer;
}

interface KafkaJsRecordInput {
  key: string | null;
  value: string | null;
  headers?: Record<string, string>;
  offsetDelta: number;
  timestampDelta: number;
}

interface KafkaJsRecordBatchInput {
  compression: number;
  records: KafkaJsEncoder[];
  firstTimestamp: number;
  maxTimestamp: number;
  lastOffsetDelta: number;
  transactional: boolean;
}

/** A record as kafkajs's record batch decoder returns it (int64 fields as decimal strings). */
interface KafkaJsMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
}

const Decoder = jest.requireActual<new (buffer: Buffer) => KafkaJsDecoder>(`${KAFKAJS}/decoder`);
const Record = jest.requireActual<(input: KafkaJsRecordInput) => KafkaJsEncoder>(
  `${KAFKAJS}/recordBatch/record/v0`,
);
const { RecordBatch } = jest.requireActual<{
  RecordBatch(input: KafkaJsRecordBatchInput): Promise<KafkaJsEncoder>;
}>(`${KAFKAJS}/recordBatch/v0`);
const decodeRecordBatch = jest.requireActual<
  (decoder: KafkaJsDecoder) => Promise<{ records: KafkaJsMessage[] }>
>(`${KAFKAJS}/recordBatch/v0/decoder`);
const Compression = { None: 0, GZIP: 1 } as const;

// --- Record batches, built exactly as kafkajs's Produce encoder builds them. ---

interface ProducedMessage {
  key: string | null;
  value: string | null;
  headers?: Record<string, string>;
  timestamp: number;
}

const T0 = 1_717_171_717_000;

const ORDER_EVENTS: ProducedMessage[] = [
  {
    key: 'order-1001',
    value: JSON.stringify({ orderId: 1001, status: 'CREATED', sku: 'SKU-42', qty: 3 }),
    headers: { 'event-type': 'OrderCreated', 'trace-id': '4bf92f3577b34da6a3ce929d0e0e4736' },
    timestamp: T0,
  },
  {
    key: 'order-1002',
    value: JSON.stringify({ orderId: 1002, status: 'CREATED', note: 'livraison prévue à 9h ✓' }),
    headers: { 'event-type': 'OrderCreated' },
    timestamp: T0 + 15,
  },
  { key: 'order-0999', value: null, timestamp: T0 + 31 },
];

/** One message whose batch is larger than the writer's zero-copy threshold (1 KiB). */
const BULK_EVENTS: ProducedMessage[] = [
  {
    key: 'wave-77',
    value: JSON.stringify({
      waveId: 77,
      lines: Array.from({ length: 60 }, (_, i) => ({
        sku: `SKU-${1000 + i}`,
        qty: (i % 5) + 1,
        bin: `A-${i}`,
      })),
    }),
    headers: { 'event-type': 'PickWaveReleased' },
    timestamp: T0 + 40,
  },
];

async function kafkajsBatch(
  messages: ProducedMessage[],
  compression: number,
  transactional: boolean,
): Promise<Buffer> {
  const firstTimestamp = messages[0].timestamp;
  const records = messages.map(({ timestamp, ...message }, offsetDelta) =>
    Record({ ...message, offsetDelta, timestampDelta: timestamp - firstTimestamp }),
  );
  const batch = await RecordBatch({
    compression,
    records,
    firstTimestamp,
    maxTimestamp: messages[messages.length - 1].timestamp,
    lastOffsetDelta: records.length - 1,
    transactional,
  });
  return batch.buffer;
}

function messageView(message: KafkaJsMessage): object {
  const text = (bytes: Buffer | null): string | null => (bytes === null ? null : bytes.toString('utf8'));
  return {
    offset: message.offset,
    timestamp: message.timestamp,
    key: text(message.key),
    value: text(message.value),
    headers: Object.fromEntries(
      Object.entries(message.headers).map(([key, value]) => [
        key,
        Array.isArray(value) ? value.map(text) : text(value),
      ]),
    ),
  };
}

function expectedMessages(messages: ProducedMessage[], firstOffset: number): object[] {
  return messages.map((message, i) => ({
    offset: String(firstOffset + i),
    timestamp: String(message.timestamp),
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
  }));
}

async function kafkajsReadsBatches(records: Buffer): Promise<object[]> {
  const decoder = new Decoder(records);
  const messages: object[] = [];
  while (decoder.offset < records.length)
    messages.push(...(await decodeRecordBatch(decoder)).records.map(messageView));
  return messages;
}

describe('Produce against kafkajs', () => {
  const PRODUCE_CASES = [
    { version: 3, transactionalId: null, compression: Compression.None },
    { version: 4, transactionalId: 'opsline-orders-tx', compression: Compression.None },
    { version: 5, transactionalId: null, compression: Compression.GZIP },
    { version: 6, transactionalId: null, compression: Compression.None },
    { version: 7, transactionalId: 'opsline-orders-tx', compression: Compression.GZIP },
  ];

  it('covers every record-batch Produce version the broker serves (v0–v2 are in legacy-produce.spec.ts)', () => {
    expect(PRODUCE_CASES.map((c) => c.version)).toEqual(versionsOf(produceApi).filter((v) => v >= 3));
  });

  it.each(PRODUCE_CASES)(
    'Produce v$version request (transactionalId $transactionalId, compression $compression) decodes with the record batches untouched',
    async ({ version, transactionalId, compression }) => {
      const body = await brokerDecodes(produceApi, 'produce', version, {
        acks: -1,
        timeout: 30_000,
        transactionalId,
        compression,
        topicData: [
          {
            topic: 'orders.created',
            partitions: [
              { partition: 0, messages: ORDER_EVENTS },
              { partition: 5, messages: BULK_EVENTS },
            ],
          },
          { topic: 'returns.requested', partitions: [{ partition: 2, messages: ORDER_EVENTS.slice(0, 1) }] },
        ],
      });

      const transactional = transactionalId !== null;
      expect(body).toEqual({
        transactionalId,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [
          {
            name: 'orders.created',
            partitionData: [
              { index: 0, records: await kafkajsBatch(ORDER_EVENTS, compression, transactional) },
              { index: 5, records: await kafkajsBatch(BULK_EVENTS, compression, transactional) },
            ],
          },
          {
            name: 'returns.requested',
            partitionData: [
              { index: 2, records: await kafkajsBatch(ORDER_EVENTS.slice(0, 1), compression, transactional) },
            ],
          },
        ],
      });
      // StructValue fields are `unknown`; the toEqual above has pinned this shape.
      const [orders] = (body.topicData as { partitionData: { records: Buffer }[] }[])[0].partitionData;
      expect(validateRecordBatches(orders.records, 1 << 20)).toEqual({
        ok: true,
        batchCount: 1,
        recordCount: 3,
      });
      expect(await kafkajsReadsBatches(orders.records)).toEqual(expectedMessages(ORDER_EVENTS, 0));
    },
  );

  it.each(versionsOf(produceApi))(
    'Produce v%i response decodes in kafkajs with base offsets, append times and log start offsets',
    async (version) => {
      const { decoded } = await kafkajsDecodes(produceApi, 'produce', version, {
        responses: [
          {
            name: 'orders.created',
            partitionResponses: [
              { index: 0, errorCode: 0, baseOffset: 5_000_000_120, logAppendTimeMs: -1, logStartOffset: 17 },
              { index: 5, errorCode: 0, baseOffset: 42, logAppendTimeMs: T0 + 500, logStartOffset: 0 },
            ],
          },
          {
            name: 'returns.requested',
            partitionResponses: [
              { index: 2, errorCode: 0, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0 },
            ],
          },
        ],
        throttleTimeMs: 12,
      });

      // kafkajs names the fields of v0–v2 (legacy message sets) differently from v3+.
      const partition = (
        index: number,
        baseOffset: string,
        logAppendTime: string,
        logStartOffset: string,
      ): object =>
        version < 3
          ? {
              partition: index,
              errorCode: 0,
              offset: baseOffset,
              ...(version === 2 ? { timestamp: logAppendTime } : {}),
            }
          : {
              partition: index,
              errorCode: 0,
              baseOffset,
              logAppendTime,
              ...(version >= 5 ? { logStartOffset } : {}),
            };
      expect(decoded).toEqual({
        topics: [
          {
            topicName: 'orders.created',
            partitions: [partition(0, '5000000120', '-1', '17'), partition(5, '42', String(T0 + 500), '0')],
          },
          { topicName: 'returns.requested', partitions: [partition(2, '0', '-1', '0')] },
        ],
        ...kafkajsThrottle(version, 1, 6, 12),
      });
    },
  );

  it.each(versionsOf(produceApi))(
    'Produce v%i partition error reaches kafkajs parse as a protocol error',
    async (version) => {
      const { decoded, response } = await kafkajsDecodes(produceApi, 'produce', version, {
        responses: [
          {
            name: 'orders.created',
            partitionResponses: [{ index: 0, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, baseOffset: -1 }],
          },
        ],
        throttleTimeMs: 0,
      });
      await expect(response.parse(decoded)).rejects.toMatchObject({
        name: 'KafkaJSProtocolError',
        type: 'NOT_LEADER_FOR_PARTITION',
      });
    },
  );
});

describe('Fetch against kafkajs', () => {
  it.each(versionsOf(fetchApi))(
    'Fetch v%i request decodes with offsets, session, forgotten topics and rack as kafkajs sent them',
    async (version) => {
      const body = await brokerDecodes(fetchApi, 'fetch', version, {
        replicaId: -1,
        maxWaitTime: 5000,
        minBytes: 1,
        maxBytes: 52_428_800,
        isolationLevel: 0,
        sessionId: 918_273,
        sessionEpoch: 4,
        rackId: 'eu-west-1a',
        topics: [
          {
            topic: 'orders.created',
            partitions: [
              {
                partition: 0,
                fetchOffset: 5_000_000_123,
                logStartOffset: 17,
                currentLeaderEpoch: 12,
                maxBytes: 1_048_576,
              },
              { partition: 5, fetchOffset: 0, maxBytes: 65_536 },
            ],
          },
          {
            topic: 'returns.requested',
            partitions: [{ partition: 2, fetchOffset: 88, maxBytes: 1_048_576 }],
          },
        ],
        forgottenTopics: [{ topic: 'orders.cancelled', partitions: [2, 7] }],
      });

      const partition = (
        index: number,
        fetchOffset: number,
        maxBytes: number,
        logStart = -1,
        epoch = -1,
      ): object => ({
        partition: index,
        currentLeaderEpoch: version >= 9 ? epoch : -1,
        fetchOffset,
        logStartOffset: version >= 5 ? logStart : -1,
        partitionMaxBytes: maxBytes,
      });
      expect(body).toEqual({
        replicaId: -1,
        maxWaitMs: 5000,
        minBytes: 1,
        maxBytes: 52_428_800,
        isolationLevel: 0,
        sessionId: version >= 7 ? 918_273 : 0,
        sessionEpoch: version >= 7 ? 4 : -1,
        topics: [
          {
            topic: 'orders.created',
            partitions: [partition(0, 5_000_000_123, 1_048_576, 17, 12), partition(5, 0, 65_536)],
          },
          { topic: 'returns.requested', partitions: [partition(2, 88, 1_048_576)] },
        ],
        forgottenTopicsData: version >= 7 ? [{ topic: 'orders.cancelled', partitions: [2, 7] }] : [],
        rackId: version >= 11 ? 'eu-west-1a' : '',
      });
    },
  );

  it.each(versionsOf(fetchApi))(
    'Fetch v%i response decodes in kafkajs with the record batches intact',
    async (version) => {
      // What the broker serves: the batches a producer sent, with the offsets the broker assigned.
      const records = Buffer.concat([
        await kafkajsBatch(ORDER_EVENTS, Compression.None, false),
        await kafkajsBatch(BULK_EVENTS, Compression.GZIP, false),
        await kafkajsBatch(BULK_EVENTS, Compression.None, false),
      ]);
      expect(assignOffsets(records, 5_000_000_120)).toBe(5_000_000_125);
      const body = {
        throttleTimeMs: 25,
        errorCode: 0,
        sessionId: 918_273,
        responses: [
          {
            topic: 'orders.created',
            partitions: [
              {
                partitionIndex: 0,
                errorCode: 0,
                highWatermark: 5_000_000_125,
                lastStableOffset: 5_000_000_124,
                logStartOffset: 17,
                abortedTransactions: [{ producerId: 4001, firstOffset: 5_000_000_100 }],
                preferredReadReplica: -1,
                records,
              },
              {
                partitionIndex: 5,
                errorCode: 0,
                highWatermark: 0,
                lastStableOffset: 0,
                logStartOffset: 0,
                records: null,
              },
            ],
          },
        ],
      };
      expect(encodeResponse(fetchApi, version, 1, body)).toContain(records);

      const { decoded } = await kafkajsDecodes<{
        responses: { topicName: string; partitions: { messages: KafkaJsMessage[] }[] }[];
      }>(fetchApi, 'fetch', version, body);

      const { responses, ...top } = decoded;
      expect(top).toEqual({
        ...kafkajsThrottle(version, 1, 8, 25),
        ...(version >= 7 ? { errorCode: 0, sessionId: 918_273 } : {}),
      });
      const partition = (fields: object, logStartOffset: string, messages: object[]): object => ({
        ...fields,
        ...(version >= 5 ? { lastStartOffset: logStartOffset } : {}),
        ...(version >= 11 ? { preferredReadReplica: -1 } : {}),
        messages,
      });
      expect(
        responses.map(({ topicName, partitions }) => ({
          topicName,
          partitions: partitions.map(({ messages, ...fields }) => ({
            ...fields,
            messages: messages.map(messageView),
          })),
        })),
      ).toEqual([
        {
          topicName: 'orders.created',
          partitions: [
            partition(
              {
                partition: 0,
                errorCode: 0,
                highWatermark: '5000000125',
                lastStableOffset: '5000000124',
                abortedTransactions: [{ producerId: '4001', firstOffset: '5000000100' }],
              },
              '17',
              [
                ...expectedMessages(ORDER_EVENTS, 5_000_000_120),
                ...expectedMessages(BULK_EVENTS, 5_000_000_123),
                ...expectedMessages(BULK_EVENTS, 5_000_000_124),
              ],
            ),
            partition(
              {
                partition: 5,
                errorCode: 0,
                highWatermark: '0',
                lastStableOffset: '0',
                abortedTransactions: [],
              },
              '0',
              [],
            ),
          ],
        },
      ]);
    },
  );

  it.each(versionsOf(fetchApi))(
    'Fetch v%i OFFSET_OUT_OF_RANGE reaches kafkajs parse with its topic and partition',
    async (version) => {
      const { decoded, response } = await kafkajsDecodes(fetchApi, 'fetch', version, {
        throttleTimeMs: 0,
        responses: [
          {
            topic: 'orders.created',
            partitions: [
              {
                partitionIndex: 3,
                errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
                highWatermark: -1,
                records: null,
              },
            ],
          },
        ],
      });
      await expect(response.parse(decoded)).rejects.toMatchObject({
        name: 'KafkaJSOffsetOutOfRange',
        type: 'OFFSET_OUT_OF_RANGE',
        topic: 'orders.created',
        partition: 3,
      });
    },
  );
});
