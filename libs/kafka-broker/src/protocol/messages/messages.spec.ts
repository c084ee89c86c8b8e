/**
 * The broker's message schemas checked against kafkajs 2.2.4's own protocol code, for every version both
 * implement: kafkajs encodes requests the broker must decode field for field (every byte consumed), and
 * decodes the responses the broker encodes (again every byte). This file has the cluster and topic APIs;
 * Produce and Fetch (record batches) are in produce-fetch.spec.ts, the consumer-group APIs in
 * group-messages.spec.ts, the committed-offset APIs in offset-messages.spec.ts, and ApiVersions v3 (which
 * kafkajs lacks) in api-versions-v3.spec.ts.
 */
import { ApiKey, ApiSchema } from '../api';
import { ErrorCode } from '../error-codes';
import { encodeResponse } from '../frame';
import { apiVersionsApi } from './api-versions';
import { createTopicsApi } from './create-topics';
import { deleteTopicsApi } from './delete-topics';
import { SUPPORTED_APIS } from './index';
import { listOffsetsApi } from './list-offsets';
import { metadataApi } from './metadata';
import {
  KafkaJsResponse,
  KAFKAJS,
  brokerDecodes,
  brokerFrames,
  kafkajsDecodes,
  kafkajsThrottle,
  versionsOf,
  trackKafkajsReads,
} from './test/kafkajs-oracle';

trackKafkajsReads();

/** kafkajs implements ApiVersions up to v2; v3 is checked byte by byte in api-versions-v3.spec.ts. */
const API_VERSIONS_VERSIONS = versionsOf(apiVersionsApi, 2);

it('kafkajs implements every version the broker serves except OffsetFetch v5 and ApiVersions v3', () => {
  const { requests } = jest.requireActual<{ requests: Record<string, { versions: string[] }> }>(
    `${KAFKAJS}/requests`,
  );
  const kafkajsName = (api: ApiSchema): string =>
    api.key === ApiKey.FindCoordinator ? 'GroupCoordinator' : api.name;
  const missing = SUPPORTED_APIS.flatMap((api) =>
    versionsOf(api)
      .filter((version) => !requests[kafkajsName(api)].versions.includes(String(version)))
      .map((version) => `${api.name} v${version}`),
  );
  expect(missing).toEqual(['OffsetFetch v5', 'ApiVersions v3']);
});

describe('Metadata against kafkajs', () => {
  it.each(versionsOf(metadataApi))(
    'Metadata v%i request decodes the requested topics and the auto-creation flag',
    async (version) => {
      const body = await brokerDecodes(metadataApi, 'metadata', version, {
        topics: ['orders.created', 'returns.requested'],
        allowAutoTopicCreation: false,
      });
      expect(body).toEqual({
        topics: [{ name: 'orders.created' }, { name: 'returns.requested' }],
        allowAutoTopicCreation: version < 4,
      });
    },
  );

  it.each(versionsOf(metadataApi))(
    'Metadata v%i request for no topics decodes as all topics (null from v1, empty in v0)',
    async (version) => {
      const body = await brokerDecodes(metadataApi, 'metadata', version, { topics: [] });
      expect(body.topics).toEqual(version === 0 ? [] : null);
      expect(body.allowAutoTopicCreation).toBe(true);
    },
  );

  it.each(versionsOf(metadataApi))(
    'Metadata v%i response decodes in kafkajs with brokers, controller, cluster id and partition replicas',
    async (version) => {
      const { decoded } = await kafkajsDecodes(metadataApi, 'metadata', version, {
        throttleTimeMs: 9,
        brokers: [
          { nodeId: 1, host: 'broker-1.opsline.internal', port: 9092, rack: 'eu-west-1a' },
          { nodeId: 2, host: 'broker-2.opsline.internal', port: 19092, rack: null },
        ],
        clusterId: 'opsline-Q2x9vTq1RzOaq3kDl2F1Lw',
        controllerId: 2,
        topics: [
          {
            errorCode: 0,
            name: 'orders.created',
            isInternal: false,
            partitions: [
              {
                errorCode: 0,
                partitionIndex: 0,
                leaderId: 1,
                replicaNodes: [1, 2],
                isrNodes: [1, 2],
                offlineReplicas: [],
              },
              {
                errorCode: ErrorCode.LEADER_NOT_AVAILABLE,
                partitionIndex: 1,
                leaderId: -1,
                replicaNodes: [2, 1],
                isrNodes: [],
                offlineReplicas: [2, 1],
              },
            ],
          },
          { errorCode: 0, name: '__consumer_offsets', isInternal: true, partitions: [] },
        ],
      });

      const broker = (nodeId: number, host: string, port: number, rack: string | null): object => ({
        nodeId,
        host,
        port,
        ...(version >= 1 ? { rack } : {}),
      });
      const partition = (
        partitionErrorCode: number,
        partitionId: number,
        leader: number,
        replicas: number[],
        isr: number[],
        offline: number[],
      ): object => ({
        partitionErrorCode,
        partitionId,
        leader,
        replicas,
        isr,
        ...(version >= 5 ? { offlineReplicas: offline } : {}),
      });
      expect(decoded).toEqual({
        brokers: [
          broker(1, 'broker-1.opsline.internal', 9092, 'eu-west-1a'),
          broker(2, 'broker-2.opsline.internal', 19092, null),
        ],
        ...(version >= 1 ? { controllerId: 2 } : {}),
        ...(version >= 2 ? { clusterId: 'opsline-Q2x9vTq1RzOaq3kDl2F1Lw' } : {}),
        ...kafkajsThrottle(version, 3, 6, 9),
        topicMetadata: [
          {
            topicErrorCode: 0,
            topic: 'orders.created',
            ...(version >= 1 ? { isInternal: false } : {}),
            partitionMetadata: [
              partition(0, 0, 1, [1, 2], [1, 2], []),
              partition(5, 1, -1, [2, 1], [], [2, 1]),
            ],
          },
          {
            topicErrorCode: 0,
            topic: '__consumer_offsets',
            ...(version >= 1 ? { isInternal: true } : {}),
            partitionMetadata: [],
          },
        ],
      });
    },
  );

  it('Metadata v6 response larger than one 16 KiB writer chunk decodes in kafkajs', async () => {
    const names = Array.from(
      { length: 400 },
      (_, i) => `warehouse.${String(i).padStart(3, '0')}.stock-levels`,
    );
    const body = {
      brokers: [{ nodeId: 1, host: 'broker-1.opsline.internal', port: 9092, rack: null }],
      clusterId: null,
      controllerId: 1,
      topics: names.map((name) => ({
        errorCode: 0,
        name,
        isInternal: false,
        partitions: [0, 1, 2].map((partitionIndex) => ({
          errorCode: 0,
          partitionIndex,
          leaderId: 1,
          replicaNodes: [1],
          isrNodes: [1],
          offlineReplicas: [],
        })),
      })),
    };
    expect(encodeResponse(metadataApi, 6, 1, body).length).toBeGreaterThan(2);
    const { decoded } = await kafkajsDecodes<{
      topicMetadata: { topic: string; partitionMetadata: object[] }[];
    }>(metadataApi, 'metadata', 6, body);
    expect(decoded.topicMetadata.map((topic) => topic.topic)).toEqual(names);
    expect(decoded.topicMetadata.every((topic) => topic.partitionMetadata.length === 3)).toBe(true);
  });
});

describe('ListOffsets against kafkajs', () => {
  it.each(versionsOf(listOffsetsApi))(
    'ListOffsets v%i request decodes the isolation level and latest, earliest and by-time lookups',
    async (version) => {
      const body = await brokerDecodes(listOffsetsApi, 'listOffsets', version, {
        replicaId: -1,
        isolationLevel: 1,
        topics: [
          {
            topic: 'orders.created',
            partitions: [
              { partition: 0, timestamp: -1 },
              { partition: 1, timestamp: -2 },
              { partition: 2, timestamp: 1_717_171_717_000 },
            ],
          },
        ],
      });
      expect(body).toEqual({
        replicaId: -1,
        isolationLevel: version >= 2 ? 1 : 0,
        topics: [
          {
            name: 'orders.created',
            partitions: [
              { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 },
              { partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -2 },
              { partitionIndex: 2, currentLeaderEpoch: -1, timestamp: 1_717_171_717_000 },
            ],
          },
        ],
      });
    },
  );

  it.each(versionsOf(listOffsetsApi))(
    'ListOffsets v%i response decodes in kafkajs with 64-bit offsets and timestamps',
    async (version) => {
      const { decoded } = await kafkajsDecodes(listOffsetsApi, 'listOffsets', version, {
        throttleTimeMs: 3,
        topics: [
          {
            name: 'orders.created',
            partitions: [
              { partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 5_000_000_125 },
              { partitionIndex: 2, errorCode: 0, timestamp: 1_717_171_717_015, offset: 4_999_999_871 },
            ],
          },
        ],
      });
      expect(decoded).toEqual({
        responses: [
          {
            topic: 'orders.created',
            partitions: [
              { partition: 0, errorCode: 0, timestamp: '-1', offset: '5000000125' },
              { partition: 2, errorCode: 0, timestamp: '1717171717015', offset: '4999999871' },
            ],
          },
        ],
        ...kafkajsThrottle(version, 2, 3, 3),
      });
    },
  );
});

describe('ApiVersions v0–v2 against kafkajs', () => {
  const advertised = SUPPORTED_APIS.map(({ key, minVersion, maxVersion }) => ({
    apiKey: key,
    minVersion,
    maxVersion,
  }));

  it.each(API_VERSIONS_VERSIONS)('ApiVersions v%i request has an empty body', async (version) => {
    const body = await brokerDecodes(apiVersionsApi, 'apiVersions', version, {});
    expect(body).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
  });

  it.each(API_VERSIONS_VERSIONS)(
    'ApiVersions v%i response decodes in kafkajs as exactly the advertised API ranges',
    async (version) => {
      const { decoded } = await kafkajsDecodes(apiVersionsApi, 'apiVersions', version, {
        errorCode: 0,
        apiKeys: advertised,
        throttleTimeMs: 0,
      });
      expect(decoded).toEqual({
        errorCode: 0,
        apiVersions: advertised,
        ...kafkajsThrottle(version, 1, 2, 0),
      });
    },
  );

  it('ApiVersions v0 UNSUPPORTED_VERSION answer (to a too-new request) fails kafkajs decode as UNSUPPORTED_VERSION', async () => {
    const response = jest.requireActual<KafkaJsResponse<unknown>>(
      `${KAFKAJS}/requests/apiVersions/v0/response`,
    );
    const payload = brokerFrames(apiVersionsApi, 0, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: advertised,
    });
    await expect(response.decode(payload)).rejects.toMatchObject({ type: 'UNSUPPORTED_VERSION' });
  });
});

describe('CreateTopics against kafkajs', () => {
  it.each(versionsOf(createTopicsApi))(
    'CreateTopics v%i request decodes partitions, replica assignments, configs and validate-only',
    async (version) => {
      const body = await brokerDecodes(createTopicsApi, 'createTopics', version, {
        timeout: 15_000,
        validateOnly: true,
        topics: [
          {
            topic: 'orders.created',
            numPartitions: 6,
            replicationFactor: 1,
            configEntries: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'retention.ms', value: '604800000' },
              { name: 'segment.bytes', value: null },
            ],
          },
          {
            topic: 'returns.requested',
            replicaAssignment: [
              { partition: 0, replicas: [1, 2] },
              { partition: 1, replicas: [2, 1] },
            ],
          },
        ],
      });
      expect(body).toEqual({
        topics: [
          {
            name: 'orders.created',
            numPartitions: 6,
            replicationFactor: 1,
            assignments: [],
            configs: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'retention.ms', value: '604800000' },
              { name: 'segment.bytes', value: null },
            ],
          },
          {
            name: 'returns.requested',
            numPartitions: -1,
            replicationFactor: -1,
            assignments: [
              { partitionIndex: 0, brokerIds: [1, 2] },
              { partitionIndex: 1, brokerIds: [2, 1] },
            ],
            configs: [],
          },
        ],
        timeoutMs: 15_000,
        validateOnly: version >= 1,
      });
    },
  );

  it.each(versionsOf(createTopicsApi))(
    'CreateTopics v%i response decodes in kafkajs with error codes and messages',
    async (version) => {
      const { decoded } = await kafkajsDecodes(createTopicsApi, 'createTopics', version, {
        throttleTimeMs: 7,
        topics: [
          { name: 'returns.requested', errorCode: 0, errorMessage: null },
          { name: 'orders.created', errorCode: 0, errorMessage: 'Topic créé ✓' },
        ],
      });
      const message = (errorMessage: string | null): object => (version >= 1 ? { errorMessage } : {});
      expect(decoded).toEqual({
        // kafkajs sorts the topics by name.
        topicErrors: [
          { topic: 'orders.created', errorCode: 0, ...message('Topic créé ✓') },
          { topic: 'returns.requested', errorCode: 0, ...message(null) },
        ],
        ...kafkajsThrottle(version, 2, 3, 7),
      });
    },
  );
});

describe('DeleteTopics against kafkajs', () => {
  it.each(versionsOf(deleteTopicsApi))(
    'DeleteTopics v%i request decodes the topic names and timeout',
    async (version) => {
      const body = await brokerDecodes(deleteTopicsApi, 'deleteTopics', version, {
        topics: ['orders.cancelled', 'tmp.replay-2024-06'],
        timeout: 10_000,
      });
      expect(body).toEqual({ topicNames: ['orders.cancelled', 'tmp.replay-2024-06'], timeoutMs: 10_000 });
    },
  );

  it.each(versionsOf(deleteTopicsApi))(
    'DeleteTopics v%i response decodes in kafkajs per topic',
    async (version) => {
      const { decoded } = await kafkajsDecodes(deleteTopicsApi, 'deleteTopics', version, {
        throttleTimeMs: 6,
        responses: [
          { name: 'tmp.replay-2024-06', errorCode: 0 },
          { name: 'orders.cancelled', errorCode: 0 },
        ],
      });
      expect(decoded).toEqual({
        topicErrors: [
          { topic: 'orders.cancelled', errorCode: 0 },
          { topic: 'tmp.replay-2024-06', errorCode: 0 },
        ],
        ...kafkajsThrottle(version, 1, 1, 6),
      });
    },
  );
});

describe('error codes in broker responses reach kafkajs parse', () => {
  const unknownTopic = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  const cases = [
    {
      api: metadataApi,
      dir: 'metadata',
      versions: versionsOf(metadataApi),
      body: { topics: [{ errorCode: unknownTopic, name: 'orders.typo', partitions: [] }] },
      error: { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' },
    },
    {
      api: listOffsetsApi,
      dir: 'listOffsets',
      versions: versionsOf(listOffsetsApi),
      body: {
        topics: [{ name: 'orders.created', partitions: [{ partitionIndex: 9, errorCode: unknownTopic }] }],
      },
      error: { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' },
    },
    {
      api: createTopicsApi,
      dir: 'createTopics',
      versions: versionsOf(createTopicsApi),
      body: {
        topics: [
          { name: 'orders.created', errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: 'exists' },
        ],
      },
      error: {
        name: 'KafkaJSAggregateError',
        errors: [{ name: 'KafkaJSCreateTopicError', topic: 'orders.created', type: 'TOPIC_ALREADY_EXISTS' }],
      },
    },
    {
      api: deleteTopicsApi,
      dir: 'deleteTopics',
      versions: versionsOf(deleteTopicsApi),
      body: { responses: [{ name: 'orders.typo', errorCode: unknownTopic }] },
      error: { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' },
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
