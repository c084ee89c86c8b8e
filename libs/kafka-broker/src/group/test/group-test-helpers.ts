import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ErrorCode } from '../../protocol/error-codes';
import { GroupCoordinator, type GroupCoordinatorOptions } from '../group-coordinator';
import type { JoinGroupRequest, JoinGroupResult } from '../group-types';
import { OffsetStore } from '../offset-store';

export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;
export const DELAY_MS = 3_000;

/** A fresh directory under the OS temp dir. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'group-spec-'));
}

/** A coordinator over an offset store in `dir`, with test timeouts. */
export function newCoordinator(
  dir: string,
  overrides: Partial<GroupCoordinatorOptions> = {},
): GroupCoordinator {
  return new GroupCoordinator({
    offsetStore: OffsetStore.open(dir),
    initialRebalanceDelayMs: DELAY_MS,
    minSessionTimeoutMs: 6_000,
    maxSessionTimeoutMs: 300_000,
    ...overrides,
  });
}

/** A JoinGroup of a new consumer supporting the 'range' protocol. */
export function joinReq(groupId: string, overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  const clientId = overrides.clientId ?? 'client';
  return {
    groupId,
    memberId: '',
    groupInstanceId: null,
    clientId,
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from(`sub:${clientId}`) }],
    ...overrides,
  };
}

/** The rejoin of a member that got `joined` back. */
export function rejoinReq(
  groupId: string,
  joined: JoinGroupResult,
  overrides: Partial<JoinGroupRequest> = {},
) {
  return joinReq(groupId, {
    memberId: joined.memberId,
    clientId: joined.memberId.split('-')[0],
    ...overrides,
  });
}

/** Whether a promise is still unsettled once the microtask queue has drained. */
export async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise, Promise.resolve(marker)])) === marker;
}

/**
 * Joins `count` members (clients c0, c1, ...) at once and completes the rebalance; results in join order.
 * Joins after the first extend the initial delay once, so this takes two delays, as with Kafka.
 */
export async function joinTogether(
  coordinator: GroupCoordinator,
  groupId: string,
  count: number,
): Promise<JoinGroupResult[]> {
  const joins = Array.from({ length: count }, (_, i) =>
    coordinator.joinGroup(joinReq(groupId, { clientId: `c${i}` })),
  );
  await jest.advanceTimersByTimeAsync(2 * DELAY_MS);
  return Promise.all(joins);
}

/** Forms a Stable group of `count` members; the leader assigns each member its own id as assignment. */
export async function stableGroup(
  coordinator: GroupCoordinator,
  groupId: string,
  count: number,
): Promise<JoinGroupResult[]> {
  const joined = await joinTogether(coordinator, groupId, count);
  const leader = leaderOf(joined);
  const assignments = joined.map((j) => ({ memberId: j.memberId, assignment: Buffer.from(j.memberId) }));
  const syncs = joined.map((j) =>
    coordinator.syncGroup({
      groupId,
      generationId: j.generationId,
      memberId: j.memberId,
      assignments: j === leader ? assignments : [],
    }),
  );
  for (const sync of await Promise.all(syncs)) expect(sync.errorCode).toBe(ErrorCode.NONE);
  return joined;
}

/** The member whose join result names it leader. */
export function leaderOf(joined: JoinGroupResult[]): JoinGroupResult {
  const leader = joined.find((j) => j.memberId === j.leader);
  if (!leader) throw new Error('no leader among the join results');
  return leader;
}

/** The members whose join results do not name them leader. */
export function followersOf(joined: JoinGroupResult[]): JoinGroupResult[] {
  return joined.filter((j) => j.memberId !== j.leader);
}
