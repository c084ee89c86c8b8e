import * as fs from 'node:fs';
import { ErrorCode } from '../protocol/error-codes';
import type { GroupCoordinator } from './group-coordinator';
import type { JoinGroupResult } from './group-types';
import {
  DELAY_MS,
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

describe('joining', () => {
  it('lands members joining together in one generation and gives the leader all their metadata', async () => {
    const joins = [0, 1, 2].map((i) => coordinator.joinGroup(joinReq('g', { clientId: `c${i}` })));
    // The later joins extend the initial delay once.
    await jest.advanceTimersByTimeAsync(2 * DELAY_MS - 1);
    expect(await isPending(joins[0])).toBe(true);
    await jest.advanceTimersByTimeAsync(1);
    const joined = await Promise.all(joins);

    expect(joined.map((j) => [j.errorCode, j.generationId, j.protocolName])).toEqual(
      Array(3).fill([0, 1, 'range']),
    );
    expect(joined[1].memberId).toMatch(/^c1-[0-9a-f-]{36}$/);
    const leader = leaderOf(joined);
    expect(leader.memberId).toBe(joined[0].memberId);
    expect(joined.every((j) => j.leader === leader.memberId)).toBe(true);
    expect(leader.members.map((m) => [m.memberId, m.metadata.toString()])).toEqual(
      joined.map((j, i) => [j.memberId, `sub:c${i}`]),
    );
    expect(followersOf(joined).map((f) => f.members)).toEqual([[], []]);
    expect(coordinator.describeGroup('g').state).toBe('CompletingRebalance');
  });

  it('extends the initial delay for each member joining within it', async () => {
    const first = coordinator.joinGroup(joinReq('g', { clientId: 'a' }));
    await jest.advanceTimersByTimeAsync(DELAY_MS - 1);
    const second = coordinator.joinGroup(joinReq('g', { clientId: 'b' }));
    await jest.advanceTimersByTimeAsync(DELAY_MS);
    expect(await isPending(first)).toBe(true);
    await jest.advanceTimersByTimeAsync(1);
    const [a, b] = await Promise.all([first, second]);
    expect([a.generationId, b.generationId]).toEqual([1, 1]);
    expect(a.members).toHaveLength(2);
  });

  it('never extends the initial delay beyond the rebalance timeout', async () => {
    const rebalanceTimeoutMs = 2 * DELAY_MS;
    const joins = [coordinator.joinGroup(joinReq('g', { clientId: 'a', rebalanceTimeoutMs }))];
    await jest.advanceTimersByTimeAsync(DELAY_MS - 1);
    joins.push(coordinator.joinGroup(joinReq('g', { clientId: 'b', rebalanceTimeoutMs })));
    await jest.advanceTimersByTimeAsync(DELAY_MS);
    joins.push(coordinator.joinGroup(joinReq('g', { clientId: 'c', rebalanceTimeoutMs })));
    await jest.advanceTimersByTimeAsync(1);
    const joined = await Promise.all(joins);
    expect(joined.map((j) => j.generationId)).toEqual([1, 1, 1]);
  });

  it('chooses the protocol most members list first among those every member supports', async () => {
    const protocols = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    const joins = [
      coordinator.joinGroup(joinReq('g', { protocols: protocols('sticky', 'range', 'roundrobin') })),
      coordinator.joinGroup(joinReq('g', { protocols: protocols('roundrobin', 'range') })),
      coordinator.joinGroup(joinReq('g', { protocols: protocols('roundrobin', 'range', 'sticky') })),
    ];
    await jest.advanceTimersByTimeAsync(2 * DELAY_MS);
    const joined = await Promise.all(joins);
    expect(joined.map((j) => j.protocolName)).toEqual(['roundrobin', 'roundrobin', 'roundrobin']);
    expect(leaderOf(joined).members.map((m) => m.metadata.toString())).toEqual(Array(3).fill('roundrobin'));
  });

  it('gives a follower rejoining a Stable group with unchanged metadata the current generation at once', async () => {
    const follower = followersOf(await stableGroup(coordinator, 'g', 2))[0];
    const again = await coordinator.joinGroup(rejoinReq('g', follower));
    expect(again).toEqual({ ...follower, members: [] });
    expect(coordinator.describeGroup('g').state).toBe('Stable');
  });

  it('rebalances when the leader rejoins, keeping it leader', async () => {
    const joined = await stableGroup(coordinator, 'g', 2);
    const [leader, follower] = [leaderOf(joined), followersOf(joined)[0]];
    const leaderJoin = coordinator.joinGroup(rejoinReq('g', leader));
    expect(await isPending(leaderJoin)).toBe(true);
    expect(heartbeat(follower)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await Promise.all([leaderJoin, coordinator.joinGroup(rejoinReq('g', follower))]);
    expect(rejoined.map((r) => [r.generationId, r.leader])).toEqual(Array(2).fill([2, leader.memberId]));
  });

  it('rebalances when a member rejoins with changed metadata', async () => {
    const follower = followersOf(await stableGroup(coordinator, 'g', 2))[0];
    const changed = [{ name: 'range', metadata: Buffer.from('new topics') }];
    const join = coordinator.joinGroup(rejoinReq('g', follower, { protocols: changed }));
    expect(await isPending(join)).toBe(true);
    expect(coordinator.describeGroup('g').state).toBe('PreparingRebalance');
  });

  it('answers UNKNOWN_MEMBER_ID to a join with a member id the group does not know', async () => {
    const unknownGroup = await coordinator.joinGroup(joinReq('nope', { memberId: 'ghost' }));
    expect(unknownGroup).toEqual({
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId: 'ghost',
      members: [],
    });
    await stableGroup(coordinator, 'g', 1);
    expect((await coordinator.joinGroup(joinReq('g', { memberId: 'ghost' }))).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('refuses an empty group id and session timeouts outside the configured bounds', async () => {
    expect((await coordinator.joinGroup(joinReq(''))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    for (const sessionTimeoutMs of [5_999, 300_001]) {
      const result = await coordinator.joinGroup(joinReq('g', { sessionTimeoutMs }));
      expect(result.errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    expect(coordinator.listGroups()).toEqual([]);
  });

  it('answers INCONSISTENT_GROUP_PROTOCOL to another protocol type or no protocol in common', async () => {
    const held = coordinator.joinGroup(joinReq('g'));
    const roundRobin = [{ name: 'roundrobin', metadata: Buffer.alloc(0) }];
    for (const join of [
      joinReq('g', { protocolType: 'connect' }),
      joinReq('g', { protocols: roundRobin }),
      joinReq('h', { protocols: [] }),
      joinReq('h', { protocolType: '' }),
    ]) {
      expect((await coordinator.joinGroup(join)).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    expect(coordinator.listGroups().map((g) => g.groupId)).toEqual(['g']);
    expect(await isPending(held)).toBe(true);
  });
});

describe('rebalancing', () => {
  it('moves the others through REBALANCE_IN_PROGRESS to a new generation when a member leaves', async () => {
    const joined = await stableGroup(coordinator, 'g', 3);
    const [staying, leaving] = [joined.slice(0, 2), joined[2]];
    expect(coordinator.leaveGroup({ groupId: 'g', memberIds: [leaving.memberId] })).toEqual({
      errorCode: ErrorCode.NONE,
      members: [{ memberId: leaving.memberId, errorCode: ErrorCode.NONE }],
    });
    expect(staying.map((m) => heartbeat(m))).toEqual(Array(2).fill(ErrorCode.REBALANCE_IN_PROGRESS));
    const rejoined = await Promise.all(staying.map((m) => coordinator.joinGroup(rejoinReq('g', m))));
    expect(rejoined.map((r) => r.generationId)).toEqual([2, 2]);
    expect(leaderOf(rejoined).members.map((m) => m.memberId)).toEqual(staying.map((m) => m.memberId));
    expect(heartbeat(leaving)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('removes a member whose session expires and rebalances the others', async () => {
    const joined = await stableGroup(coordinator, 'g', 2);
    const [leader, follower] = [leaderOf(joined), followersOf(joined)[0]];
    await jest.advanceTimersByTimeAsync(SESSION_MS / 2);
    expect(heartbeat(leader)).toBe(ErrorCode.NONE);
    await jest.advanceTimersByTimeAsync(SESSION_MS / 2);
    expect(heartbeat(leader)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await coordinator.joinGroup(rejoinReq('g', leader));
    expect(rejoined).toMatchObject({ generationId: 2, leader: leader.memberId });
    expect(rejoined.members.map((m) => m.memberId)).toEqual([leader.memberId]);
    expect(heartbeat(follower)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  /** The leader rejoins; the follower keeps heartbeating for `ms` without rejoining. */
  async function leaderRejoinsFollowerStalls(ms: number) {
    const joined = await stableGroup(coordinator, 'g', 2);
    const [leader, follower] = [leaderOf(joined), followersOf(joined)[0]];
    const leaderJoin = coordinator.joinGroup(rejoinReq('g', leader));
    for (let elapsed = 0; elapsed < ms; elapsed += SESSION_MS / 2) {
      await jest.advanceTimersByTimeAsync(Math.min(SESSION_MS / 2, ms - elapsed));
      expect(heartbeat(follower)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    return { leader, follower, leaderJoin };
  }

  it('keeps a member whose join is held past its session timeout', async () => {
    const { leader, leaderJoin } = await leaderRejoinsFollowerStalls(SESSION_MS * 2);
    expect(await isPending(leaderJoin)).toBe(true);
    expect(coordinator.describeGroup('g').members.map((m) => m.memberId)).toContain(leader.memberId);
  });

  it('drops members that have not rejoined when the rebalance timeout expires', async () => {
    const { leader, follower, leaderJoin } = await leaderRejoinsFollowerStalls(REBALANCE_MS - 1);
    expect(await isPending(leaderJoin)).toBe(true);
    await jest.advanceTimersByTimeAsync(1);
    const rejoined = await leaderJoin;
    expect(rejoined.generationId).toBe(2);
    expect(rejoined.members.map((m) => m.memberId)).toEqual([leader.memberId]);
    expect(heartbeat(follower, 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('empties the group with a new generation when the last member leaves', async () => {
    const [only] = await stableGroup(coordinator, 'g', 1);
    coordinator.leaveGroup({ groupId: 'g', memberIds: [only.memberId] });
    expect(coordinator.describeGroup('g')).toMatchObject({
      state: 'Empty',
      protocolType: 'consumer',
      members: [],
    });
    const [next] = await joinTogether(coordinator, 'g', 1);
    expect(next.generationId).toBe(3);
  });

  it('keeps the leader across rebalances and passes leadership to the first joiner when it leaves', async () => {
    const joined = await stableGroup(coordinator, 'g', 3);
    const newcomer = coordinator.joinGroup(joinReq('g', { clientId: 'c3' }));
    const second = await Promise.all([
      ...joined.map((j) => coordinator.joinGroup(rejoinReq('g', j))),
      newcomer,
    ]);
    expect(second.map((r) => r.leader)).toEqual(Array(4).fill(joined[0].memberId));
    coordinator.leaveGroup({ groupId: 'g', memberIds: [joined[0].memberId] });
    const third = await Promise.all(second.slice(1).map((r) => coordinator.joinGroup(rejoinReq('g', r))));
    expect(third.map((r) => [r.generationId, r.leader])).toEqual(Array(3).fill([3, joined[1].memberId]));
  });
});
