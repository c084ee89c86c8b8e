import * as fs from 'node:fs';
import { ErrorCode } from '../protocol/error-codes';
import type { GroupCoordinator } from './group-coordinator';
import type { JoinGroupResult, SyncGroupAssignment } from './group-types';
import {
  REBALANCE_MS,
  SESSION_MS,
  followersOf,
  isPending,
  joinReq,
  joinTogether,
  leaderOf,
  newCoordinator,
  rejoinReq,
  stableGroup,
  tempDir,
} from './test/group-test-helpers';

const EMPTY = Buffer.alloc(0);

let dir: string;
let coordinator: GroupCoordinator;

beforeEach(() => {
  jest.useFakeTimers();
  dir = tempDir();
  coordinator = newCoordinator(dir);
});

afterEach(() => {
  coordinator.close();
  jest.useRealTimers();
  fs.rmSync(dir, { recursive: true, force: true });
});

function heartbeat(member: JoinGroupResult, generationId = member.generationId, groupId = 'g'): number {
  return coordinator.heartbeat({ groupId, generationId, memberId: member.memberId }).errorCode;
}

function sync(
  member: JoinGroupResult,
  assignments: SyncGroupAssignment[] = [],
  generationId = member.generationId,
) {
  return coordinator.syncGroup({ groupId: 'g', generationId, memberId: member.memberId, assignments });
}

describe('syncGroup', () => {
  it('holds a follower sync until the leader sends the assignments, then the group is Stable', async () => {
    const joined = await joinTogether(coordinator, 'g', 2);
    const [leader, follower] = [leaderOf(joined), followersOf(joined)[0]];
    const followerSync = sync(follower);
    expect(await isPending(followerSync)).toBe(true);
    const assignments = [
      { memberId: leader.memberId, assignment: Buffer.from('L') },
      { memberId: follower.memberId, assignment: Buffer.from('F') },
    ];
    expect(await sync(leader, assignments)).toEqual({
      errorCode: ErrorCode.NONE,
      assignment: Buffer.from('L'),
    });
    expect(await followerSync).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('F') });
    expect(coordinator.describeGroup('g').state).toBe('Stable');
  });

  it('returns the current assignment to a sync in a Stable group', async () => {
    const follower = followersOf(await stableGroup(coordinator, 'g', 2))[0];
    expect(await sync(follower)).toEqual({
      errorCode: ErrorCode.NONE,
      assignment: Buffer.from(follower.memberId),
    });
  });

  it('gives members the leader did not assign an empty assignment', async () => {
    const joined = await joinTogether(coordinator, 'g', 2);
    const [leader, follower] = [leaderOf(joined), followersOf(joined)[0]];
    await sync(leader, [{ memberId: leader.memberId, assignment: Buffer.from('all') }]);
    expect(await sync(follower)).toEqual({ errorCode: ErrorCode.NONE, assignment: EMPTY });
  });

  it('answers REBALANCE_IN_PROGRESS to syncs waiting when a rebalance starts', async () => {
    const follower = followersOf(await joinTogether(coordinator, 'g', 3))[0];
    const followerSync = sync(follower);
    void coordinator.joinGroup(joinReq('g', { clientId: 'late' }));
    expect(await followerSync).toEqual({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    expect(await sync(follower)).toEqual({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
  });

  it('answers UNKNOWN_MEMBER_ID to unknown groups and members and ILLEGAL_GENERATION to other generations', async () => {
    const ghostSync = (groupId: string) =>
      coordinator.syncGroup({ groupId, generationId: 1, memberId: 'ghost', assignments: [] });
    expect((await ghostSync('g')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const [leader] = await joinTogether(coordinator, 'g', 2);
    expect((await ghostSync('g')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await sync(leader, [], 0)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await ghostSync('')).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('removes a leader that never syncs once the rebalance timeout passes, and rebalances', async () => {
    const joined = await joinTogether(coordinator, 'g', 2);
    const [leader, follower] = [leaderOf(joined), followersOf(joined)[0]];
    const followerSync = sync(follower);
    for (let elapsed = 0; elapsed < REBALANCE_MS - SESSION_MS / 2; elapsed += SESSION_MS / 2) {
      await jest.advanceTimersByTimeAsync(SESSION_MS / 2);
      expect(heartbeat(leader)).toBe(ErrorCode.NONE);
    }
    await jest.advanceTimersByTimeAsync(SESSION_MS / 2);
    expect((await followerSync).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(heartbeat(leader)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const rejoined = await coordinator.joinGroup(rejoinReq('g', follower));
    expect(rejoined).toMatchObject({ generationId: 2, leader: follower.memberId });
  });
});

describe('heartbeat', () => {
  it('answers UNKNOWN_MEMBER_ID to unknown groups and members, ILLEGAL_GENERATION to other generations', async () => {
    const [member] = await stableGroup(coordinator, 'g', 1);
    expect(heartbeat(member, 1, 'other')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(heartbeat({ ...member, memberId: 'ghost' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(heartbeat(member, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(heartbeat(member, 1, '')).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(heartbeat(member)).toBe(ErrorCode.NONE);
  });

  it('keeps a heartbeating member alive past its session timeout', async () => {
    const [member] = await stableGroup(coordinator, 'g', 1);
    for (let i = 0; i < 4; i += 1) {
      await jest.advanceTimersByTimeAsync(SESSION_MS - 1);
      expect(heartbeat(member)).toBe(ErrorCode.NONE);
    }
  });
});

describe('leaveGroup', () => {
  it('answers UNKNOWN_MEMBER_ID for unknown members only', async () => {
    const follower = followersOf(await stableGroup(coordinator, 'g', 2))[0];
    expect(coordinator.leaveGroup({ groupId: 'g', memberIds: ['ghost', follower.memberId] })).toEqual({
      errorCode: ErrorCode.NONE,
      members: [
        { memberId: 'ghost', errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
        { memberId: follower.memberId, errorCode: ErrorCode.NONE },
      ],
    });
    expect(coordinator.leaveGroup({ groupId: 'none', memberIds: ['x'] }).members[0].errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    expect(coordinator.leaveGroup({ groupId: '', memberIds: ['x'] })).toEqual({
      errorCode: ErrorCode.INVALID_GROUP_ID,
      members: [],
    });
  });

  it('answers a held join of a leaving member with UNKNOWN_MEMBER_ID', async () => {
    const joined = await stableGroup(coordinator, 'g', 2);
    const leader = leaderOf(joined);
    const held = coordinator.joinGroup(rejoinReq('g', leader));
    coordinator.leaveGroup({ groupId: 'g', memberIds: [leader.memberId] });
    expect((await held).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe('describeGroup, listGroups and close', () => {
  it('reports unknown groups as Dead', () => {
    expect(coordinator.describeGroup('none')).toEqual({
      errorCode: ErrorCode.NONE,
      groupId: 'none',
      state: 'Dead',
      protocolType: '',
      protocol: '',
      members: [],
    });
  });

  it('shows the protocol, member metadata and assignments only once the group is Stable', async () => {
    const [member] = await joinTogether(coordinator, 'g', 1);
    expect(coordinator.describeGroup('g')).toMatchObject({ state: 'CompletingRebalance', protocol: '' });
    expect(coordinator.describeGroup('g').members[0].metadata).toEqual(EMPTY);
    await sync(member, [{ memberId: member.memberId, assignment: Buffer.from('A') }]);
    expect(coordinator.describeGroup('g')).toEqual({
      errorCode: ErrorCode.NONE,
      groupId: 'g',
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      members: [
        {
          memberId: member.memberId,
          groupInstanceId: null,
          clientId: 'c0',
          clientHost: '/127.0.0.1',
          metadata: Buffer.from('sub:c0'),
          assignment: Buffer.from('A'),
        },
      ],
    });
    expect(coordinator.listGroups()).toEqual([{ groupId: 'g', protocolType: 'consumer', state: 'Stable' }]);
  });

  it('forgets Empty groups without committed offsets at the periodic sweep', async () => {
    const [member] = await stableGroup(coordinator, 'g', 1);
    coordinator.leaveGroup({ groupId: 'g', memberIds: [member.memberId] });
    coordinator.commitOffsets({
      groupId: 'kept',
      generationId: -1,
      memberId: '',
      offsets: [{ topic: 't', partition: 0, offset: 1, metadata: null }],
    });
    expect(coordinator.listGroups().map((g) => [g.groupId, g.state])).toEqual([
      ['g', 'Empty'],
      ['kept', 'Empty'],
    ]);
    await jest.advanceTimersByTimeAsync(600_000);
    expect(coordinator.listGroups().map((g) => g.groupId)).toEqual(['kept']);
  });

  it('answers held joins and syncs with COORDINATOR_NOT_AVAILABLE on close, and every later request', async () => {
    const joined = await joinTogether(coordinator, 'g', 2);
    const heldSync = sync(followersOf(joined)[0]);
    const heldJoin = coordinator.joinGroup(joinReq('h'));
    coordinator.close();
    expect((await heldSync).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect((await heldJoin).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect((await coordinator.joinGroup(joinReq('g'))).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(heartbeat(leaderOf(joined))).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(jest.getTimerCount()).toBe(0);
  });
});
