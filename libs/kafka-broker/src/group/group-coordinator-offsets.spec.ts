import * as fs from 'node:fs';
import { ErrorCode } from '../protocol/error-codes';
import type { GroupCoordinator } from './group-coordinator';
import type { OffsetCommitPartition, OffsetCommitPartitionResult } from './group-types';
import { OffsetStore } from './offset-store';
import {
  followersOf,
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

function offset(topic: string, partition: number, value: number, metadata: string | null = null) {
  return { topic, partition, offset: value, metadata };
}

function commit(
  groupId: string,
  generationId: number,
  memberId: string,
  offsets = [offset('t', 0, 5)],
): number[] {
  return coordinator.commitOffsets({ groupId, generationId, memberId, offsets }).map((r) => r.errorCode);
}

function standalone(groupId: string, offsets: OffsetCommitPartition[]): OffsetCommitPartitionResult[] {
  return coordinator.commitOffsets({ groupId, generationId: -1, memberId: '', offsets });
}

function committed(groupId: string, topic = 't', partition = 0): number {
  return coordinator.fetchOffsets(groupId, [{ topic, partition }])[0].offset;
}

describe('commitOffsets', () => {
  it('accepts commits with the current generation, also while the group is PreparingRebalance', async () => {
    const joined = await stableGroup(coordinator, 'g', 2);
    const [leader, follower] = [leaderOf(joined), followersOf(joined)[0]];
    expect(commit('g', 1, follower.memberId)).toEqual([ErrorCode.NONE]);
    void coordinator.joinGroup(rejoinReq('g', leader));
    expect(coordinator.describeGroup('g').state).toBe('PreparingRebalance');
    expect(commit('g', 1, follower.memberId, [offset('t', 0, 9)])).toEqual([ErrorCode.NONE]);
    expect(coordinator.fetchOffsets('g', [{ topic: 't', partition: 0 }])).toEqual([
      { topic: 't', partition: 0, offset: 9, metadata: '', errorCode: ErrorCode.NONE },
    ]);
  });

  it('answers REBALANCE_IN_PROGRESS while the group awaits its assignments', async () => {
    const [member] = await joinTogether(coordinator, 'g', 1);
    expect(commit('g', 1, member.memberId)).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    expect(committed('g')).toBe(-1);
  });

  it('answers UNKNOWN_MEMBER_ID to unknown members and ILLEGAL_GENERATION to other generations', async () => {
    expect(commit('none', 3, 'x')).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    const [member] = await stableGroup(coordinator, 'g', 1);
    expect(commit('g', 1, 'ghost')).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(commit('g', 0, member.memberId)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(commit('g', -1, '')).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(coordinator.fetchOffsets('g', null)).toEqual([]);
  });

  it('accepts a standalone commit on an unknown group, creating it Empty with its offsets', () => {
    const results = standalone('solo', [offset('t', 0, 1), offset('t', 1, 2)]);
    expect(results.map((r) => [r.topic, r.partition, r.errorCode])).toEqual([
      ['t', 0, ErrorCode.NONE],
      ['t', 1, ErrorCode.NONE],
    ]);
    expect(coordinator.listGroups()).toEqual([{ groupId: 'solo', protocolType: '', state: 'Empty' }]);
    expect(committed('solo', 't', 1)).toBe(2);
  });

  it('accepts a standalone commit on a group whose members have all left', async () => {
    const [member] = await stableGroup(coordinator, 'g', 1);
    coordinator.leaveGroup({ groupId: 'g', memberIds: [member.memberId] });
    expect(commit('g', -1, '')).toEqual([ErrorCode.NONE]);
    expect(committed('g')).toBe(5);
  });

  it('refuses metadata longer than 4096 characters, for that partition only', () => {
    const results = standalone('g', [
      offset('t', 0, 1, 'm'.repeat(4096)),
      offset('t', 1, 1, 'm'.repeat(4097)),
    ]);
    expect(results.map((r) => r.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    expect(coordinator.fetchOffsets('g', null)).toEqual([
      { topic: 't', partition: 0, offset: 1, metadata: 'm'.repeat(4096), errorCode: ErrorCode.NONE },
    ]);
  });

  it('answers COORDINATOR_NOT_AVAILABLE when the offset store cannot write', () => {
    coordinator.close();
    const store = OffsetStore.open(dir);
    coordinator = newCoordinator(dir, { offsetStore: store });
    store.close();
    expect(standalone('g', [offset('t', 0, 1)]).map((r) => r.errorCode)).toEqual([
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ]);
    expect(coordinator.fetchOffsets('g', null)).toEqual([]);
  });
});

describe('fetchOffsets', () => {
  it('answers -1 for uncommitted partitions and every committed partition for a null list', () => {
    standalone('g', [offset('b', 1, 10, 'meta'), offset('a', 0, 20), offset('b', 0, 30)]);
    expect(
      coordinator.fetchOffsets('g', [
        { topic: 'a', partition: 0 },
        { topic: 'a', partition: 1 },
      ]),
    ).toEqual([
      { topic: 'a', partition: 0, offset: 20, metadata: '', errorCode: ErrorCode.NONE },
      { topic: 'a', partition: 1, offset: -1, metadata: '', errorCode: ErrorCode.NONE },
    ]);
    expect(
      coordinator.fetchOffsets('g', null).map((o) => [o.topic, o.partition, o.offset, o.metadata]),
    ).toEqual([
      ['a', 0, 20, ''],
      ['b', 0, 30, ''],
      ['b', 1, 10, 'meta'],
    ]);
    expect(coordinator.fetchOffsets('none', null)).toEqual([]);
  });

  it('keeps offsets per group, topic and partition', () => {
    standalone('g1', [offset('t', 0, 1), offset('t', 1, 3), offset('u', 0, 4)]);
    standalone('g2', [offset('t', 0, 2)]);
    expect([committed('g1', 't', 0), committed('g1', 't', 1), committed('g1', 'u', 0)]).toEqual([1, 3, 4]);
    expect([committed('g2', 't', 0), committed('g2', 't', 1), committed('g2', 'u', 0)]).toEqual([2, -1, -1]);
  });
});

describe('offsets across topic deletion, group deletion and restarts', () => {
  it("drops a deleted topic's offsets from every group", () => {
    standalone('g1', [offset('t', 0, 1), offset('u', 0, 2)]);
    standalone('g2', [offset('t', 0, 3)]);
    coordinator.deleteTopicOffsets('t');
    expect(coordinator.fetchOffsets('g1', null).map((o) => o.topic)).toEqual(['u']);
    expect(coordinator.fetchOffsets('g2', null)).toEqual([]);
  });

  it('restores groups with offsets as Empty groups, with their protocol type, after a restart', async () => {
    const [member] = await stableGroup(coordinator, 'g', 1);
    expect(commit('g', 1, member.memberId, [offset('t', 0, 42, 'meta')])).toEqual([ErrorCode.NONE]);
    standalone('solo', [offset('t', 0, 7)]);
    coordinator.close();
    coordinator = newCoordinator(dir);

    expect(coordinator.listGroups()).toEqual([
      { groupId: 'g', protocolType: 'consumer', state: 'Empty' },
      { groupId: 'solo', protocolType: '', state: 'Empty' },
    ]);
    expect(coordinator.describeGroup('g')).toMatchObject({
      state: 'Empty',
      protocolType: 'consumer',
      members: [],
    });
    expect(coordinator.fetchOffsets('g', null)).toEqual([
      { topic: 't', partition: 0, offset: 42, metadata: 'meta', errorCode: ErrorCode.NONE },
    ]);
    expect(
      coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: member.memberId }).errorCode,
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(commit('g', 1, member.memberId)).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
  });

  it('deletes Empty groups with their offsets and refuses unknown groups and groups with members', async () => {
    standalone('solo', [offset('t', 0, 1)]);
    await stableGroup(coordinator, 'g', 1);
    expect(coordinator.deleteGroups(['solo', 'g', 'none'])).toEqual([
      { groupId: 'solo', errorCode: ErrorCode.NONE },
      { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'none', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(coordinator.listGroups().map((g) => g.groupId)).toEqual(['g']);
    coordinator.close();
    coordinator = newCoordinator(dir);
    expect(coordinator.fetchOffsets('solo', null)).toEqual([]);
  });
});
