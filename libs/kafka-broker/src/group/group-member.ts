import type { GroupProtocol, JoinGroupResult, SyncGroupResult } from './group-types';

const EMPTY = Buffer.alloc(0);

/** Identity and timeouts a member declares when it joins. */
export interface MemberInit {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
}

/** One member of a consumer group: its protocols, assignment, held requests and session timer. */
export class GroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
  assignment: Buffer = EMPTY;
  // Arrays because a client that retries a timed-out request can have two of the same kind held at once.
  private joinWaiters: ((result: JoinGroupResult) => void)[] = [];
  private syncWaiters: ((result: SyncGroupResult) => void)[] = [];
  private sessionTimer: NodeJS.Timeout | null = null;

  constructor(init: MemberInit) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.protocols = init.protocols;
  }

  /** True while a JoinGroup of this member is held for the rebalance to complete. */
  get awaitingJoin(): boolean {
    return this.joinWaiters.length > 0;
  }

  /** True while a SyncGroup of this member waits for the leader's assignment. */
  get awaitingSync(): boolean {
    return this.syncWaiters.length > 0;
  }

  /** Holds a JoinGroup until {@link answerJoin}. */
  awaitJoin(): Promise<JoinGroupResult> {
    return new Promise((resolve) => this.joinWaiters.push(resolve));
  }

  /** Answers every held JoinGroup of this member. */
  answerJoin(result: JoinGroupResult): void {
    const waiters = this.joinWaiters;
    this.joinWaiters = [];
    for (const resolve of waiters) resolve(result);
  }

  /** Holds a SyncGroup until {@link answerSync}. */
  awaitSync(): Promise<SyncGroupResult> {
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Answers every held SyncGroup of this member. */
  answerSync(result: SyncGroupResult): void {
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const resolve of waiters) resolve(result);
  }

  /** Whether the member lists a protocol of this name. */
  supports(protocolName: string): boolean {
    return this.protocols.some((p) => p.name === protocolName);
  }

  /** The member's metadata for a protocol, empty if it does not support it. */
  metadataFor(protocolName: string): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY;
  }

  /** Whether a rejoin carries exactly the protocols (names, order and metadata) the member has. */
  matches(protocols: GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata),
      )
    );
  }

  /** Restarts the session timer; `onExpire` runs if the member stays silent for its session timeout. */
  restartSession(onExpire: () => void): void {
    this.stopSession();
    this.sessionTimer = setTimeout(onExpire, this.sessionTimeoutMs);
    this.sessionTimer.unref();
  }

  /** Stops the session timer. */
  stopSession(): void {
    if (this.sessionTimer) clearTimeout(this.sessionTimer);
    this.sessionTimer = null;
  }
}

/** The first protocol of `member`'s preference list that every member supports. */
function firstCommonChoice(member: GroupMember, candidates: string[]): string | undefined {
  return member.protocols.find((p) => candidates.includes(p.name))?.name;
}

/**
 * Picks the group protocol as Kafka does: among the protocols every member supports, the one most members
 * list first; ties go to the earlier one in the first member's list.
 */
export function selectProtocol(members: GroupMember[]): string {
  if (members.length === 0) return '';
  const candidates = members[0].protocols
    .map((p) => p.name)
    .filter((name) => members.every((m) => m.supports(name)));
  const votes = new Map<string, number>();
  for (const member of members) {
    const choice = firstCommonChoice(member, candidates);
    if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
  }
  let best = candidates[0] ?? members[0].protocols[0]?.name ?? '';
  for (const name of candidates) {
    if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
  }
  return best;
}
