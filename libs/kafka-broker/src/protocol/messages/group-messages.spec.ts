/**
 * The consumer-group APIs checked against kafkajs 2.2.4's own protocol code, for every version both
 * implement (see messages.spec.ts for the approach). Member metadata and assignments are the real bytes
 * kafkajs's consumer builds with its assigner protocol, which the broker must carry untouched.
 */
import { ErrorCode } from '../error-codes';
import { describeGroupsApi } from './describe-groups';
import { findCoordinatorApi } from './find-coordinator';
import { heartbeatApi } from './heartbeat';
import { joinGroupApi } from './join-group';
import { leaveGroupApi } from './leave-group';
import { listGroupsApi } from './list-groups';
import { syncGroupApi } from './sync-group';
import {
  brokerDecodes,
  kafkajsDecodes,
  kafkajsThrottle,
  versionsOf,
  trackKafkajsReads,
} from './test/kafkajs-oracle';

trackKafkajsReads();

interface AssignerProtocol {
  MemberMetadata: {
    encode(metadata: { version: number; topics: string[]; userData?: Buffer }): Buffer;
    decode(bytes: Buffer): { version: number; topics: string[]; userData: Buffer };
  };
  MemberAssignment: {
    encode(assignment: { version: number; assignment: Record<string, number[]>; userData?: Buffer }): Buffer;
    decode(bytes: Buffer): { version: number; assignment: Record<string, number[]>; userData: Buffer } | null;
  };
}

const { MemberMetadata, MemberAssignment } = jest.requireActual<AssignerProtocol>(
  'kafkajs/src/consumer/assignerProtocol',
);

const GROUP = 'orders-svc';
const LEADER = 'orders-svc-0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011';
const FOLLOWER = 'orders-svc-99887766-5544-3322-1100-ffeeddccbbaa';
const SUBSCRIPTION = MemberMetadata.encode({
  version: 1,
  topics: ['orders.created', 'returns.requested'],
  userData: Buffer.from('rack=eu-west-1a'),
});
const RANGE_SUBSCRIPTION = MemberMetadata.encode({ version: 0, topics: ['orders.created'] });
const LEADER_ASSIGNMENT = MemberAssignment.encode({
  version: 1,
  assignment: { 'orders.created': [0, 2, 4], 'returns.requested': [0] },
});
const FOLLOWER_ASSIGNMENT = MemberAssignment.encode({
  version: 1,
  assignment: { 'orders.created': [1, 3, 5] },
});

describe('FindCoordinator against kafkajs', () => {
  it('FindCoordinator v0 request decodes the group id as a group key', async () => {
    const body = await brokerDecodes(findCoordinatorApi, 'findCoordinator', 0, { groupId: GROUP });
    expect(body).toEqual({ key: GROUP, keyType: 0 });
  });

  it.each([1, 2])(
    'FindCoordinator v%i request decodes a transaction coordinator key and its type',
    async (version) => {
      const body = await brokerDecodes(findCoordinatorApi, 'findCoordinator', version, {
        coordinatorKey: 'opsline-orders-tx',
        coordinatorType: 1,
      });
      expect(body).toEqual({ key: 'opsline-orders-tx', keyType: 1 });
    },
  );

  it.each(versionsOf(findCoordinatorApi))(
    'FindCoordinator v%i response decodes in kafkajs as the coordinator node',
    async (version) => {
      const { decoded } = await kafkajsDecodes(findCoordinatorApi, 'findCoordinator', version, {
        throttleTimeMs: 2,
        errorCode: 0,
        errorMessage: null,
        nodeId: 1,
        host: 'broker-1.opsline.internal',
        port: 9092,
      });
      expect(decoded).toEqual({
        errorCode: 0,
        ...(version >= 1 ? { errorMessage: null } : {}),
        coordinator: { nodeId: 1, host: 'broker-1.opsline.internal', port: 9092 },
        ...kafkajsThrottle(version, 1, 2, 2),
      });
    },
  );
});

describe('JoinGroup against kafkajs', () => {
  it.each(versionsOf(joinGroupApi))(
    'JoinGroup v%i request decodes timeouts, instance id and the protocols metadata bytes',
    async (version) => {
      const body = await brokerDecodes(joinGroupApi, 'joinGroup', version, {
        groupId: GROUP,
        sessionTimeout: 30_000,
        rebalanceTimeout: 60_000,
        memberId: '',
        groupInstanceId: 'orders-svc-pod-0',
        protocolType: 'consumer',
        groupProtocols: [
          { name: 'RoundRobinAssigner', metadata: SUBSCRIPTION },
          { name: 'range', metadata: RANGE_SUBSCRIPTION },
        ],
      });
      expect(body).toEqual({
        groupId: GROUP,
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: version >= 1 ? 60_000 : -1,
        memberId: '',
        groupInstanceId: version >= 5 ? 'orders-svc-pod-0' : null,
        protocolType: 'consumer',
        protocols: [
          { name: 'RoundRobinAssigner', metadata: SUBSCRIPTION },
          { name: 'range', metadata: RANGE_SUBSCRIPTION },
        ],
      });
      // StructValue fields are `unknown`; the toEqual above has pinned this shape.
      const [{ metadata }] = body.protocols as { metadata: Buffer }[];
      expect(MemberMetadata.decode(metadata)).toEqual({
        version: 1,
        topics: ['orders.created', 'returns.requested'],
        userData: Buffer.from('rack=eu-west-1a'),
      });
    },
  );

  it.each(versionsOf(joinGroupApi))(
    'JoinGroup v%i response decodes in kafkajs with the leader and every member subscription',
    async (version) => {
      const { decoded } = await kafkajsDecodes(joinGroupApi, 'joinGroup', version, {
        throttleTimeMs: 3,
        errorCode: 0,
        generationId: 8,
        protocolName: 'RoundRobinAssigner',
        leader: LEADER,
        memberId: LEADER,
        members: [
          { memberId: LEADER, groupInstanceId: 'orders-svc-pod-0', metadata: SUBSCRIPTION },
          { memberId: FOLLOWER, groupInstanceId: null, metadata: RANGE_SUBSCRIPTION },
        ],
      });
      const member = (memberId: string, groupInstanceId: string | null, memberMetadata: Buffer): object => ({
        memberId,
        ...(version >= 5 ? { groupInstanceId } : {}),
        memberMetadata,
      });
      expect(decoded).toEqual({
        errorCode: 0,
        generationId: 8,
        groupProtocol: 'RoundRobinAssigner',
        leaderId: LEADER,
        memberId: LEADER,
        members: [
          member(LEADER, 'orders-svc-pod-0', SUBSCRIPTION),
          member(FOLLOWER, null, RANGE_SUBSCRIPTION),
        ],
        ...kafkajsThrottle(version, 2, 3, 3),
      });
    },
  );
});

describe('Heartbeat against kafkajs', () => {
  it.each(versionsOf(heartbeatApi))(
    'Heartbeat v%i request decodes group, generation, member and instance',
    async (version) => {
      const body = await brokerDecodes(heartbeatApi, 'heartbeat', version, {
        groupId: GROUP,
        groupGenerationId: 8,
        memberId: FOLLOWER,
        groupInstanceId: 'orders-svc-pod-1',
      });
      expect(body).toEqual({
        groupId: GROUP,
        generationId: 8,
        memberId: FOLLOWER,
        groupInstanceId: version >= 3 ? 'orders-svc-pod-1' : null,
      });
    },
  );

  it.each(versionsOf(heartbeatApi))('Heartbeat v%i response decodes in kafkajs', async (version) => {
    const { decoded } = await kafkajsDecodes(heartbeatApi, 'heartbeat', version, {
      throttleTimeMs: 11,
      errorCode: 0,
    });
    expect(decoded).toEqual({ errorCode: 0, ...kafkajsThrottle(version, 1, 2, 11) });
  });
});

describe('LeaveGroup against kafkajs', () => {
  it.each([0, 1, 2])('LeaveGroup v%i request decodes the single leaving member', async (version) => {
    const body = await brokerDecodes(leaveGroupApi, 'leaveGroup', version, {
      groupId: GROUP,
      memberId: FOLLOWER,
    });
    expect(body).toEqual({ groupId: GROUP, memberId: FOLLOWER, members: [] });
  });

  it('LeaveGroup v3 request decodes the batch of leaving members with their instance ids', async () => {
    const body = await brokerDecodes(leaveGroupApi, 'leaveGroup', 3, {
      groupId: GROUP,
      members: [{ memberId: LEADER, groupInstanceId: 'orders-svc-pod-0' }, { memberId: FOLLOWER }],
    });
    expect(body).toEqual({
      groupId: GROUP,
      memberId: '',
      members: [
        { memberId: LEADER, groupInstanceId: 'orders-svc-pod-0' },
        { memberId: FOLLOWER, groupInstanceId: null },
      ],
    });
  });

  it.each(versionsOf(leaveGroupApi))(
    'LeaveGroup v%i response decodes in kafkajs with per-member results',
    async (version) => {
      const { decoded } = await kafkajsDecodes(leaveGroupApi, 'leaveGroup', version, {
        throttleTimeMs: 1,
        errorCode: 0,
        members: [
          { memberId: LEADER, groupInstanceId: 'orders-svc-pod-0', errorCode: 0 },
          { memberId: FOLLOWER, groupInstanceId: null, errorCode: 0 },
        ],
      });
      expect(decoded).toEqual({
        errorCode: 0,
        ...kafkajsThrottle(version, 1, 2, 1),
        ...(version >= 3
          ? {
              members: [
                { memberId: LEADER, groupInstanceId: 'orders-svc-pod-0', errorCode: 0 },
                { memberId: FOLLOWER, groupInstanceId: null, errorCode: 0 },
              ],
            }
          : {}),
      });
    },
  );
});

describe('SyncGroup against kafkajs', () => {
  it.each(versionsOf(syncGroupApi))(
    "SyncGroup v%i request decodes the leader's assignments with their bytes untouched",
    async (version) => {
      const body = await brokerDecodes(syncGroupApi, 'syncGroup', version, {
        groupId: GROUP,
        generationId: 8,
        memberId: LEADER,
        groupInstanceId: 'orders-svc-pod-0',
        groupAssignment: [
          { memberId: LEADER, memberAssignment: LEADER_ASSIGNMENT },
          { memberId: FOLLOWER, memberAssignment: FOLLOWER_ASSIGNMENT },
        ],
      });
      expect(body).toEqual({
        groupId: GROUP,
        generationId: 8,
        memberId: LEADER,
        groupInstanceId: version >= 3 ? 'orders-svc-pod-0' : null,
        assignments: [
          { memberId: LEADER, assignment: LEADER_ASSIGNMENT },
          { memberId: FOLLOWER, assignment: FOLLOWER_ASSIGNMENT },
        ],
      });
    },
  );

  it.each(versionsOf(syncGroupApi))(
    "SyncGroup v%i response decodes in kafkajs to the member's partition assignment",
    async (version) => {
      const { decoded } = await kafkajsDecodes<{ memberAssignment: Buffer }>(
        syncGroupApi,
        'syncGroup',
        version,
        {
          throttleTimeMs: 2,
          errorCode: 0,
          assignment: FOLLOWER_ASSIGNMENT,
        },
      );
      expect(decoded).toEqual({
        errorCode: 0,
        memberAssignment: FOLLOWER_ASSIGNMENT,
        ...kafkajsThrottle(version, 1, 2, 2),
      });
      expect(MemberAssignment.decode(decoded.memberAssignment)).toEqual({
        version: 1,
        assignment: { 'orders.created': [1, 3, 5] },
        userData: Buffer.alloc(0),
      });
    },
  );
});

describe('DescribeGroups against kafkajs', () => {
  it.each(versionsOf(describeGroupsApi))(
    'DescribeGroups v%i request decodes the group ids',
    async (version) => {
      const body = await brokerDecodes(describeGroupsApi, 'describeGroups', version, {
        groupIds: [GROUP, 'returns-svc'],
      });
      expect(body).toEqual({ groups: [GROUP, 'returns-svc'] });
    },
  );

  it.each(versionsOf(describeGroupsApi))(
    'DescribeGroups v%i response decodes in kafkajs with state, protocol and member bytes',
    async (version) => {
      const { decoded } = await kafkajsDecodes(describeGroupsApi, 'describeGroups', version, {
        throttleTimeMs: 8,
        groups: [
          {
            errorCode: 0,
            groupId: GROUP,
            groupState: 'Stable',
            protocolType: 'consumer',
            protocolData: 'RoundRobinAssigner',
            members: [
              {
                memberId: LEADER,
                clientId: 'orders-svc',
                clientHost: '/10.0.3.17',
                memberMetadata: SUBSCRIPTION,
                memberAssignment: LEADER_ASSIGNMENT,
              },
            ],
          },
          {
            errorCode: 0,
            groupId: 'returns-svc',
            groupState: 'Empty',
            protocolType: '',
            protocolData: '',
            members: [],
          },
        ],
      });
      expect(decoded).toEqual({
        groups: [
          {
            errorCode: 0,
            groupId: GROUP,
            state: 'Stable',
            protocolType: 'consumer',
            protocol: 'RoundRobinAssigner',
            members: [
              {
                memberId: LEADER,
                clientId: 'orders-svc',
                clientHost: '/10.0.3.17',
                memberMetadata: SUBSCRIPTION,
                memberAssignment: LEADER_ASSIGNMENT,
              },
            ],
          },
          {
            errorCode: 0,
            groupId: 'returns-svc',
            state: 'Empty',
            protocolType: '',
            protocol: '',
            members: [],
          },
        ],
        ...kafkajsThrottle(version, 1, 2, 8),
      });
    },
  );
});

describe('ListGroups against kafkajs', () => {
  it.each(versionsOf(listGroupsApi))('ListGroups v%i request has an empty body', async (version) => {
    expect(await brokerDecodes(listGroupsApi, 'listGroups', version, undefined)).toEqual({});
  });

  it.each(versionsOf(listGroupsApi))(
    'ListGroups v%i response decodes in kafkajs with every group',
    async (version) => {
      const groups = [
        { groupId: GROUP, protocolType: 'consumer' },
        { groupId: 'connect-warehouse-sink', protocolType: 'connect' },
      ];
      const { decoded } = await kafkajsDecodes(listGroupsApi, 'listGroups', version, {
        throttleTimeMs: 1,
        errorCode: 0,
        groups,
      });
      expect(decoded).toEqual({ errorCode: 0, groups, ...kafkajsThrottle(version, 1, 2, 1) });
    },
  );
});

describe('error codes in broker responses reach kafkajs parse', () => {
  const cases = [
    {
      api: findCoordinatorApi,
      dir: 'findCoordinator',
      body: {
        errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
        errorMessage: 'The coordinator is not available.',
      },
      type: 'GROUP_COORDINATOR_NOT_AVAILABLE',
    },
    {
      api: joinGroupApi,
      dir: 'joinGroup',
      body: { errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, generationId: -1 },
      type: 'INCONSISTENT_GROUP_PROTOCOL',
    },
    {
      api: heartbeatApi,
      dir: 'heartbeat',
      body: { errorCode: ErrorCode.REBALANCE_IN_PROGRESS },
      type: 'REBALANCE_IN_PROGRESS',
    },
    {
      api: leaveGroupApi,
      dir: 'leaveGroup',
      body: { errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
      type: 'UNKNOWN_MEMBER_ID',
    },
    {
      api: syncGroupApi,
      dir: 'syncGroup',
      body: { errorCode: ErrorCode.ILLEGAL_GENERATION },
      type: 'ILLEGAL_GENERATION',
    },
    {
      api: describeGroupsApi,
      dir: 'describeGroups',
      body: { groups: [{ errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, groupId: GROUP }] },
      type: 'GROUP_LOAD_IN_PROGRESS',
    },
    {
      api: listGroupsApi,
      dir: 'listGroups',
      body: { errorCode: ErrorCode.NOT_COORDINATOR },
      type: 'NOT_COORDINATOR_FOR_GROUP',
    },
  ].flatMap((c) => versionsOf(c.api).map((version) => ({ ...c, version, name: c.api.name })));

  it.each(cases)(
    '$name v$version error reaches kafkajs parse as $type',
    async ({ api, dir, version, body, type }) => {
      const { decoded, response } = await kafkajsDecodes(api, dir, version, body);
      await expect(response.parse(decoded)).rejects.toMatchObject({ name: 'KafkaJSProtocolError', type });
    },
  );

  it('LeaveGroup v3 member error reaches kafkajs parse even when the group-level code is NONE', async () => {
    const { decoded, response } = await kafkajsDecodes(leaveGroupApi, 'leaveGroup', 3, {
      errorCode: 0,
      members: [{ memberId: FOLLOWER, groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }],
    });
    await expect(response.parse(decoded)).rejects.toMatchObject({ type: 'UNKNOWN_MEMBER_ID' });
  });
});
