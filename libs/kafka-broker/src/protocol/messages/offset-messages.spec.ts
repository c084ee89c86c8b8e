/**
 * OffsetCommit and OffsetFetch checked against kafkajs 2.2.4's own protocol code, for every version both
 * implement (see messages.spec.ts for the approach), plus OffsetFetch v5, which kafkajs lacks, against the
 * layout written with kafkajs's encoder.
 */
import { ErrorCode } from '../error-codes';
import { ProtocolReader } from '../reader';
import { decodeStruct } from '../schema';
import { offsetCommitApi } from './offset-commit';
import { offsetFetchApi } from './offset-fetch';
import {
  KafkaJsRequest,
  KAFKAJS,
  brokerDecodes,
  brokerFrames,
  kafkajsDecodes,
  kafkajsThrottle,
  versionsOf,
  trackKafkajsReads,
} from './test/kafkajs-oracle';

trackKafkajsReads();

/** kafkajs's Encoder, for the one layout (OffsetFetch v5) kafkajs has no request module for. */
interface KafkaJsEncoder {
  readonly buffer: Buffer;
  writeInt16(value: number): this;
  writeInt32(value: number): this;
  writeInt64(value: number): this;
  writeString(value: string | null): this;
  writeArray(items: KafkaJsEncoder[]): this;
}

/** kafkajs implements OffsetFetch up to v4; the broker also serves v5. */
const OFFSET_FETCH_VERSIONS = versionsOf(offsetFetchApi, 4);

describe('OffsetCommit against kafkajs', () => {
  it.each(versionsOf(offsetCommitApi))(
    'OffsetCommit v%i request decodes the generation, member, retention and committed offsets',
    async (version) => {
      const body = await brokerDecodes(offsetCommitApi, 'offsetCommit', version, {
        groupId: 'orders-svc',
        groupGenerationId: 8,
        memberId: 'orders-svc-1a2b-4c5d',
        retentionTime: 86_400_000,
        topics: [
          {
            topic: 'orders.created',
            partitions: [
              { partition: 0, offset: '5000000125' },
              { partition: 5, offset: '42', metadata: 'committed by orders-svc@10.0.3.17' },
            ],
          },
        ],
      });
      const partition = (
        partitionIndex: number,
        committedOffset: number,
        committedMetadata: string | null,
      ) => ({
        partitionIndex,
        committedOffset,
        committedLeaderEpoch: -1,
        commitTimestamp: -1,
        committedMetadata,
      });
      expect(body).toEqual({
        groupId: 'orders-svc',
        generationId: 8,
        memberId: 'orders-svc-1a2b-4c5d',
        retentionTimeMs: version <= 4 ? 86_400_000 : -1,
        topics: [
          {
            name: 'orders.created',
            partitions: [
              partition(0, 5_000_000_125, null),
              partition(5, 42, 'committed by orders-svc@10.0.3.17'),
            ],
          },
        ],
      });
    },
  );

  it.each(versionsOf(offsetCommitApi))(
    'OffsetCommit v%i response decodes in kafkajs with per-partition error codes',
    async (version) => {
      const { decoded } = await kafkajsDecodes(offsetCommitApi, 'offsetCommit', version, {
        throttleTimeMs: 4,
        topics: [
          {
            name: 'orders.created',
            partitions: [
              { partitionIndex: 0, errorCode: 0 },
              { partitionIndex: 5, errorCode: 0 },
            ],
          },
        ],
      });
      expect(decoded).toEqual({
        responses: [
          {
            topic: 'orders.created',
            partitions: [
              { partition: 0, errorCode: 0 },
              { partition: 5, errorCode: 0 },
            ],
          },
        ],
        ...kafkajsThrottle(version, 3, 4, 4),
      });
    },
  );
});

describe('OffsetFetch against kafkajs', () => {
  it.each(OFFSET_FETCH_VERSIONS)(
    'OffsetFetch v%i request decodes the group and its partitions',
    async (version) => {
      const body = await brokerDecodes(offsetFetchApi, 'offsetFetch', version, {
        groupId: 'orders-svc',
        topics: [
          { topic: 'orders.created', partitions: [{ partition: 0 }, { partition: 5 }] },
          { topic: 'returns.requested', partitions: [{ partition: 2 }] },
        ],
      });
      expect(body).toEqual({
        groupId: 'orders-svc',
        topics: [
          { name: 'orders.created', partitionIndexes: [0, 5] },
          { name: 'returns.requested', partitionIndexes: [2] },
        ],
      });
    },
  );

  it.each(OFFSET_FETCH_VERSIONS)(
    'OffsetFetch v%i request for no topics decodes as every committed partition from v3 (kafkajs sends null)',
    async (version) => {
      const body = await brokerDecodes(offsetFetchApi, 'offsetFetch', version, {
        groupId: 'orders-svc',
        topics: [],
      });
      expect(body).toEqual({ groupId: 'orders-svc', topics: version >= 3 ? null : [] });
    },
  );

  it.each(OFFSET_FETCH_VERSIONS)(
    'OffsetFetch v%i response decodes in kafkajs with offsets, null and empty metadata and the group error',
    async (version) => {
      const { decoded } = await kafkajsDecodes(offsetFetchApi, 'offsetFetch', version, {
        throttleTimeMs: 5,
        topics: [
          {
            name: 'orders.created',
            partitions: [
              { partitionIndex: 0, committedOffset: 5_000_000_125, metadata: null, errorCode: 0 },
              { partitionIndex: 5, committedOffset: -1, metadata: '', errorCode: 0 },
            ],
          },
        ],
        errorCode: 0,
      });
      expect(decoded).toEqual({
        responses: [
          {
            topic: 'orders.created',
            partitions: [
              { partition: 0, offset: '5000000125', metadata: null, errorCode: 0 },
              { partition: 5, offset: '-1', metadata: '', errorCode: 0 },
            ],
          },
        ],
        ...(version >= 2 ? { errorCode: 0 } : {}),
        ...kafkajsThrottle(version, 3, 4, 5),
      });
    },
  );

  it('OffsetFetch v5 request (beyond kafkajs) has the v4 layout', async () => {
    const v4 = jest.requireActual<(args: object) => KafkaJsRequest>(
      `${KAFKAJS}/requests/offsetFetch/v4/request`,
    );
    const encoded = await v4({
      groupId: 'orders-svc',
      topics: [{ topic: 'orders.created', partitions: [{ partition: 5 }] }],
    }).encode();
    const reader = new ProtocolReader(encoded.buffer);
    expect(decodeStruct(reader, offsetFetchApi.request, 5, false)).toEqual({
      groupId: 'orders-svc',
      topics: [{ name: 'orders.created', partitionIndexes: [5] }],
    });
    expect(reader.remaining).toBe(0);
  });

  it('OffsetFetch v5 response (beyond kafkajs) carries the committed leader epoch between offset and metadata', () => {
    // Kafka's OffsetFetchResponse v5 layout, written with kafkajs's encoder.
    const Encoder = jest.requireActual<new () => KafkaJsEncoder>(`${KAFKAJS}/encoder`);
    const partition = new Encoder()
      .writeInt32(5)
      .writeInt64(5_000_000_125)
      .writeInt32(3)
      .writeString(null)
      .writeInt16(0);
    const topic = new Encoder().writeString('orders.created').writeArray([partition]);
    const expected = new Encoder().writeInt32(5).writeArray([topic]).writeInt16(0).buffer;

    const payload = brokerFrames(offsetFetchApi, 5, {
      throttleTimeMs: 5,
      topics: [
        {
          name: 'orders.created',
          partitions: [
            {
              partitionIndex: 5,
              committedOffset: 5_000_000_125,
              committedLeaderEpoch: 3,
              metadata: null,
              errorCode: 0,
            },
          ],
        },
      ],
      errorCode: 0,
    });
    expect(payload).toEqual(expected);
  });
});

describe('error codes in broker responses reach kafkajs parse', () => {
  const cases = [
    {
      api: offsetCommitApi,
      dir: 'offsetCommit',
      versions: versionsOf(offsetCommitApi),
      body: {
        topics: [
          {
            name: 'orders.created',
            partitions: [{ partitionIndex: 0, errorCode: ErrorCode.REBALANCE_IN_PROGRESS }],
          },
        ],
      },
      error: { name: 'KafkaJSProtocolError', type: 'REBALANCE_IN_PROGRESS' },
    },
    {
      api: offsetFetchApi,
      dir: 'offsetFetch',
      versions: OFFSET_FETCH_VERSIONS.filter((version) => version >= 2),
      body: { topics: [], errorCode: ErrorCode.NOT_COORDINATOR },
      error: { name: 'KafkaJSProtocolError', type: 'NOT_COORDINATOR_FOR_GROUP' },
    },
  ].flatMap(({ versions, ...rest }) =>
    versions.map((version) => ({ ...rest, version, name: rest.api.name })),
  );

  it.each(cases)(
    '$name v$version error reaches kafkajs parse as $error.name',
    async ({ api, dir, version, body, error }) => {
      const { decoded, response } = await kafkajsDecodes(api, dir, version, body);
      await expect(response.parse(decoded)).rejects.toMatchObject(error);
    },
  );
});
