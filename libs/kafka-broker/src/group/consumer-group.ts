import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes';
import { GroupMember, selectProtocol } from './group-member';
import type {
  DescribeGroupResult,
  GroupState,
  JoinGroupRequest,
  JoinGroupResult,
  SyncGroupAssignment,
  SyncGroupRequest,
  SyncGroupResult,
} from './group-types';

const EMPTY = Buffer.alloc(0);

/** Broker settings and services a group needs. */
export interface GroupSettings {
  initialRebalanceDelayMs: number;
  log: (msg: string) => void;
}

/** The initial-delay window of a rebalance that started from Empty. */
interface InitialDelay {
  newMemberAdded: boolean;
  remainingMs: number;
}

/** A failed JoinGroup answer. */
export function joinError(errorCode: ErrorCode, memberId: string): JoinGroupResult {
  return { errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

/** A failed SyncGroup answer. */
export function syncError(errorCode: ErrorCode): SyncGroupResult {
  return { errorCode, assignment: EMPTY };
}

/**
 * One classic consumer group's membership state machine (Empty → PreparingRebalance → CompletingRebalance →
 * Stable), with its rebalance, sync and session timers. Offsets live in the OffsetStore, not here.
 */
export class ConsumerGroup {
  private currentState: GroupState = 'Empty';
  private generation = 0;
  private type: string;
  private protocolName = '';
  private leaderId = '';
  private readonly members = new Map<string, GroupMember>();
  /** Members that sent SyncGroup for the current generation. */
  private readonly synced = new Set<string>();
  private rebalanceTimer: NodeJS.Timeout | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private initialDelay: InitialDelay | null = null;

  /** Creates an Empty group (generation 0); `protocolType` is '' unless restored from the offset store. */
  constructor(
    readonly groupId: string,
    protocolType: string,
    private readonly settings: GroupSettings,
  ) {
    this.type = protocolType;
  }

  /** The group's current state. */
  get state(): GroupState {
    return this.currentState;
  }

  /** The current generation; 0 for a group that never completed a rebalance. */
  get generationId(): number {
    return this.generation;
  }

  /** The protocol type of the members ('consumer' for consumers), kept when the group empties. */
  get protocolType(): string {
    return this.type;
  }

  /** Adds a member under a fresh id; the answer is held until the rebalance completes. */
  joinNewMember(req: JoinGroupRequest): Promise<JoinGroupResult> {
    if (!this.acceptsProtocols(req, null)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    const member = new GroupMember({ ...req, memberId: `${req.clientId}-${randomUUID()}` });
    if (this.members.size === 0) this.type = req.protocolType;
    this.members.set(member.memberId, member);
    if (!this.leaderId) this.leaderId = member.memberId;
    if (this.initialDelay) this.initialDelay.newMemberAdded = true;
    return this.holdJoin(member, `member ${member.memberId} joined`);
  }

  /** Handles a JoinGroup from a known member id: rebalance, or the current generation if nothing changed. */
  rejoinMember(req: JoinGroupRequest): Promise<JoinGroupResult> {
    const member = this.members.get(req.memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    if (!this.acceptsProtocols(req, member)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    const unchanged = member.matches(req.protocols);
    // The leader must rejoin through a rebalance: that is how it gets to compute a new assignment.
    const keepGeneration =
      this.currentState === 'CompletingRebalance'
        ? unchanged
        : this.currentState === 'Stable' && unchanged && member.memberId !== this.leaderId;
    if (keepGeneration) {
      this.touch(member);
      return Promise.resolve(this.joinResultFor(member));
    }
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    return this.holdJoin(member, `member ${member.memberId} rejoined`);
  }

  /** Handles SyncGroup: followers wait for the leader, whose assignments make the group Stable. */
  sync(req: SyncGroupRequest): Promise<SyncGroupResult> {
    const member = this.members.get(req.memberId);
    if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (req.generationId !== this.generation) return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (this.currentState === 'PreparingRebalance') {
      return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    }
    this.synced.add(member.memberId);
    this.touch(member);
    if (this.currentState === 'Stable') {
      this.stopSyncTimerIfAllSynced();
      return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
    }
    const answer = member.awaitSync();
    if (member.memberId === this.leaderId) this.applyAssignments(req.assignments);
    return answer;
  }

  /** Handles Heartbeat; REBALANCE_IN_PROGRESS tells a member to rejoin. */
  heartbeat(memberId: string, generationId: number): ErrorCode {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    return this.currentState === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Removes a member at its request and rebalances the rest. */
  leave(memberId: string): ErrorCode {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(member, 'left');
    return ErrorCode.NONE;
  }

  /**
   * Checks a group-managed OffsetCommit (the caller handles standalone commits on an Empty group) and
   * refreshes the member's session when it may commit.
   */
  validateCommit(memberId: string, generationId: number): ErrorCode {
    // The member cannot own partitions before it has its assignment; it retries after the sync.
    if (this.currentState === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    return ErrorCode.NONE;
  }

  /** Summarises the group as DescribeGroups does: metadata and assignments only while Stable. */
  describe(): DescribeGroupResult {
    const stable = this.currentState === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId: this.groupId,
      state: this.currentState,
      protocolType: this.type,
      protocol: stable ? this.protocolName : '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(this.protocolName) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  /** Stops every timer and answers held joins and syncs with COORDINATOR_NOT_AVAILABLE. */
  shutdown(): void {
    this.stopGroupTimers();
    for (const member of this.members.values()) {
      member.stopSession();
      member.answerJoin(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, member.memberId));
      member.answerSync(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    }
  }

  private acceptsProtocols(req: JoinGroupRequest, self: GroupMember | null): boolean {
    if (!req.protocolType || req.protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    if (req.protocolType !== this.type) return false;
    // The joiner's own previous protocols do not count: a rejoin may replace them.
    const others = [...this.members.values()].filter((m) => m !== self);
    return req.protocols.some((p) => others.every((m) => m.supports(p.name)));
  }

  private holdJoin(member: GroupMember, reason: string): Promise<JoinGroupResult> {
    const answer = member.awaitJoin();
    this.touch(member);
    if (this.currentState === 'PreparingRebalance') this.tryCompleteJoin();
    else this.prepareRebalance(reason);
    return answer;
  }

  private prepareRebalance(reason: string): void {
    if (this.currentState === 'CompletingRebalance') this.failPendingSyncs();
    this.stopGroupTimers();
    const fromEmpty = this.currentState === 'Empty';
    this.currentState = 'PreparingRebalance';
    this.settings.log(`group ${this.groupId} rebalancing from generation ${this.generation}: ${reason}`);
    if (fromEmpty) {
      this.startInitialDelay();
      return;
    }
    this.rebalanceTimer = schedule(this.rebalanceTimeoutMs(), () => this.completeJoin());
    this.tryCompleteJoin();
  }

  // Consumers started together should land in one generation instead of rebalancing once per arrival.
  private startInitialDelay(): void {
    const delayMs = this.settings.initialRebalanceDelayMs;
    this.initialDelay = {
      newMemberAdded: false,
      remainingMs: Math.max(this.rebalanceTimeoutMs() - delayMs, 0),
    };
    this.rebalanceTimer = schedule(delayMs, () => this.onInitialDelayElapsed());
  }

  private onInitialDelayElapsed(): void {
    const delay = this.initialDelay;
    if (delay && delay.newMemberAdded && delay.remainingMs > 0) {
      const nextMs = Math.min(this.settings.initialRebalanceDelayMs, delay.remainingMs);
      delay.newMemberAdded = false;
      delay.remainingMs -= nextMs;
      this.rebalanceTimer = schedule(nextMs, () => this.onInitialDelayElapsed());
      return;
    }
    this.completeJoin();
  }

  private tryCompleteJoin(): void {
    if (this.currentState !== 'PreparingRebalance' || this.initialDelay) return;
    for (const member of this.members.values()) if (!member.awaitingJoin) return;
    this.completeJoin();
  }

  private completeJoin(): void {
    this.stopGroupTimers();
    for (const member of [...this.members.values()]) {
      if (!member.awaitingJoin) this.dropMember(member, 'did not rejoin within the rebalance timeout');
    }
    this.generation += 1;
    this.synced.clear();
    if (this.members.size === 0) {
      this.currentState = 'Empty';
      this.protocolName = '';
      this.settings.log(`group ${this.groupId} is empty at generation ${this.generation}`);
      return;
    }
    this.protocolName = selectProtocol([...this.members.values()]);
    this.currentState = 'CompletingRebalance';
    this.settings.log(
      `group ${this.groupId} generation ${this.generation}: ${this.members.size} members, ` +
        `protocol ${this.protocolName}, leader ${this.leaderId}`,
    );
    for (const member of this.members.values()) {
      member.answerJoin(this.joinResultFor(member));
      this.touch(member);
    }
    const generation = this.generation;
    this.syncTimer = schedule(this.rebalanceTimeoutMs(), () => this.onSyncDeadline(generation));
  }

  private joinResultFor(member: GroupMember): JoinGroupResult {
    const isLeader = member.memberId === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generation,
      protocolName: this.protocolName,
      leader: this.leaderId,
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.metadataFor(this.protocolName),
          }))
        : [],
    };
  }

  private applyAssignments(assignments: SyncGroupAssignment[]): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    this.currentState = 'Stable';
    this.settings.log(`group ${this.groupId} generation ${this.generation} is stable`);
    for (const member of this.members.values()) {
      member.assignment = byMember.get(member.memberId) ?? EMPTY;
      if (!member.awaitingSync) continue;
      member.answerSync({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      this.touch(member);
    }
    this.stopSyncTimerIfAllSynced();
  }

  private failPendingSyncs(): void {
    for (const member of this.members.values()) {
      member.assignment = EMPTY;
      if (!member.awaitingSync) continue;
      member.answerSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      this.touch(member);
    }
  }

  // A member that joined but never syncs would otherwise keep the group from ever becoming Stable.
  private onSyncDeadline(generation: number): void {
    this.syncTimer = null;
    if (generation !== this.generation) return;
    const late = [...this.members.values()].filter((m) => !this.synced.has(m.memberId));
    if (late.length === 0) return;
    for (const member of late) this.dropMember(member, 'did not sync within the rebalance timeout');
    this.prepareRebalance(`${late.length} member(s) did not sync`);
  }

  private stopSyncTimerIfAllSynced(): void {
    if (this.syncTimer && this.synced.size >= this.members.size) {
      clearTimeout(this.syncTimer);
      this.syncTimer = null;
    }
  }

  private onSessionExpired(member: GroupMember): void {
    // A held request is answered by the rebalance itself, which then restarts the session.
    if (this.members.get(member.memberId) !== member || member.awaitingJoin || member.awaitingSync) return;
    this.removeMember(member, 'session timed out');
  }

  private removeMember(member: GroupMember, reason: string): void {
    this.dropMember(member, reason);
    if (this.currentState === 'Stable' || this.currentState === 'CompletingRebalance') {
      this.prepareRebalance(`member ${member.memberId} ${reason}`);
    } else {
      this.tryCompleteJoin();
    }
  }

  private dropMember(member: GroupMember, reason: string): void {
    member.stopSession();
    this.members.delete(member.memberId);
    this.synced.delete(member.memberId);
    member.answerJoin(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.answerSync(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (this.leaderId === member.memberId) this.leaderId = this.members.keys().next().value ?? '';
    this.settings.log(`group ${this.groupId} removed member ${member.memberId}: ${reason}`);
  }

  private touch(member: GroupMember): void {
    member.restartSession(() => this.onSessionExpired(member));
  }

  private rebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  private stopGroupTimers(): void {
    if (this.rebalanceTimer) clearTimeout(this.rebalanceTimer);
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.rebalanceTimer = null;
    this.syncTimer = null;
    this.initialDelay = null;
  }
}

function schedule(delayMs: number, run: () => void): NodeJS.Timeout {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return timer;
}
