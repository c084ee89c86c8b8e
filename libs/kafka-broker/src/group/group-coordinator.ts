import { ErrorCode } from '../protocol/error-codes';
import { ConsumerGroup, joinError, syncError, type GroupSettings } from './consumer-group';
import type {
  DeleteGroupResult,
  DescribeGroupResult,
  HeartbeatRequest,
  HeartbeatResult,
  JoinGroupRequest,
  JoinGroupResult,
  LeaveGroupRequest,
  LeaveGroupResult,
  ListedGroup,
  OffsetCommitPartition,
  OffsetCommitPartitionResult,
  OffsetCommitRequest,
  OffsetFetchPartitionResult,
  SyncGroupRequest,
  SyncGroupResult,
  TopicPartition,
} from './group-types';
import type { OffsetStore, StoredOffset } from './offset-store';

/** Kafka's default `offset.metadata.max.bytes`. */
const MAX_OFFSET_METADATA_LENGTH = 4096;
/** Kafka's default `offsets.retention.check.interval.ms`: how often Empty groups without offsets are dropped. */
const EMPTY_GROUP_SWEEP_INTERVAL_MS = 600_000;

/** Construction options of the {@link GroupCoordinator}. */
export interface GroupCoordinatorOptions {
  /** Where committed offsets live; the coordinator restores the groups it holds and closes it on close(). */
  offsetStore: OffsetStore;
  /** Kafka's `group.initial.rebalance.delay.ms`. */
  initialRebalanceDelayMs: number;
  /** Kafka's `group.min.session.timeout.ms`. */
  minSessionTimeoutMs: number;
  /** Kafka's `group.max.session.timeout.ms`. */
  maxSessionTimeoutMs: number;
  logger?: (msg: string) => void;
}

/**
 * The classic (pre-KIP-848) group coordinator, behaving like Apache Kafka's: group membership, rebalances,
 * heartbeats and committed offsets. Wire-independent: the protocol layer decodes requests and encodes the
 * results. No method throws on client input; errors are answered as Kafka error codes.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly store: OffsetStore;
  private readonly settings: GroupSettings;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  /** Creates the coordinator; groups with committed offsets in the store start out Empty. */
  constructor(private readonly options: GroupCoordinatorOptions) {
    this.store = options.offsetStore;
    this.settings = {
      initialRebalanceDelayMs: options.initialRebalanceDelayMs,
      log: options.logger ?? (() => undefined),
    };
    for (const { groupId, protocolType } of this.store.groups()) this.createGroup(groupId, protocolType);
    this.sweepTimer = setInterval(() => this.sweepEmptyGroups(), EMPTY_GROUP_SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /**
   * JoinGroup. An empty memberId creates a member (no MEMBER_ID_REQUIRED round trip). The answer is held
   * until the rebalance completes, which can take up to the members' largest rebalance timeout.
   */
  joinGroup(req: JoinGroupRequest): Promise<JoinGroupResult> {
    const error = this.checkJoin(req);
    if (error !== ErrorCode.NONE) return Promise.resolve(joinError(error, req.memberId));
    const group = this.groups.get(req.groupId);
    if (req.memberId !== '') {
      if (!group) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
      return group.rejoinMember(req);
    }
    if (!group && (!req.protocolType || req.protocols.length === 0)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    return (group ?? this.createGroup(req.groupId, '')).joinNewMember(req);
  }

  /** SyncGroup. A follower's answer is held until the leader sends the assignments. */
  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResult> {
    const error = this.checkGroupId(req.groupId);
    if (error !== ErrorCode.NONE) return Promise.resolve(syncError(error));
    const group = this.groups.get(req.groupId);
    return group ? group.sync(req) : Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  }

  /** Heartbeat. REBALANCE_IN_PROGRESS tells the member to rejoin. */
  heartbeat(req: HeartbeatRequest): HeartbeatResult {
    const error = this.checkGroupId(req.groupId);
    if (error !== ErrorCode.NONE) return { errorCode: error };
    const group = this.groups.get(req.groupId);
    return {
      errorCode: group ? group.heartbeat(req.memberId, req.generationId) : ErrorCode.UNKNOWN_MEMBER_ID,
    };
  }

  /**
   * LeaveGroup: per-member errors, top-level NONE unless the request as a whole fails (then no members).
   * Leaving members are removed at once and the rest of the group rebalances.
   */
  leaveGroup(req: LeaveGroupRequest): LeaveGroupResult {
    const error = this.checkGroupId(req.groupId);
    if (error !== ErrorCode.NONE) return { errorCode: error, members: [] };
    const group = this.groups.get(req.groupId);
    const members = req.memberIds.map((memberId) => ({
      memberId,
      errorCode: group ? group.leave(memberId) : ErrorCode.UNKNOWN_MEMBER_ID,
    }));
    return { errorCode: ErrorCode.NONE, members };
  }

  /**
   * OffsetCommit, one result per requested partition. Accepted offsets are in the offset log when this
   * returns. Generation -1 on an unknown or Empty group is a standalone commit (creating an Empty group).
   * Does not know topics: the caller answers UNKNOWN_TOPIC_OR_PARTITION for partitions that do not exist.
   */
  commitOffsets(req: OffsetCommitRequest): OffsetCommitPartitionResult[] {
    const error = this.admitCommit(req);
    if (error !== ErrorCode.NONE) {
      return req.offsets.map(({ topic, partition }) => ({ topic, partition, errorCode: error }));
    }
    const accepted: StoredOffset[] = [];
    const results = req.offsets.map((o) => {
      const errorCode = checkOffset(o);
      if (errorCode === ErrorCode.NONE) accepted.push({ ...o, metadata: o.metadata ?? '' });
      return { topic: o.topic, partition: o.partition, errorCode };
    });
    try {
      this.store.commit(req.groupId, this.groups.get(req.groupId)?.protocolType ?? '', accepted);
    } catch (err) {
      this.settings.log(`group ${req.groupId}: offset commit failed: ${String(err)}`);
      for (const r of results)
        if (r.errorCode === ErrorCode.NONE) r.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    return results;
  }

  /**
   * OffsetFetch: committed offsets of the given partitions (offset -1, metadata '' where none), or every
   * partition the group has committed when `partitions` is null.
   */
  fetchOffsets(groupId: string, partitions: TopicPartition[] | null): OffsetFetchPartitionResult[] {
    if (this.closed) {
      const errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return (partitions ?? []).map(({ topic, partition }) => ({
        topic,
        partition,
        offset: -1,
        metadata: '',
        errorCode,
      }));
    }
    if (partitions === null)
      return this.store.list(groupId).map((o) => ({ ...o, errorCode: ErrorCode.NONE }));
    return partitions.map(({ topic, partition }) => {
      const stored = this.store.get(groupId, topic, partition);
      const offset = stored?.offset ?? -1;
      return { topic, partition, offset, metadata: stored?.metadata ?? '', errorCode: ErrorCode.NONE };
    });
  }

  /** DescribeGroups for one group; an unknown group is Dead with error NONE, as in Kafka. */
  describeGroup(groupId: string): DescribeGroupResult {
    const group = this.closed ? undefined : this.groups.get(groupId);
    if (group) return group.describe();
    const errorCode = this.closed ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.NONE;
    return { errorCode, groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
  }

  /** ListGroups: every live group, including Empty groups that hold committed offsets. */
  listGroups(): ListedGroup[] {
    if (this.closed) return [];
    return [...this.groups.values()].map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType,
      state: g.state,
    }));
  }

  /**
   * DeleteGroups: deletes Empty groups and their offsets; GROUP_ID_NOT_FOUND for unknown groups,
   * NON_EMPTY_GROUP for groups with members.
   */
  deleteGroups(groupIds: string[]): DeleteGroupResult[] {
    return groupIds.map((groupId) => ({ groupId, errorCode: this.deleteGroup(groupId) }));
  }

  /** Drops every group's committed offsets for a deleted topic. */
  deleteTopicOffsets(topic: string): void {
    if (this.closed) return;
    try {
      this.store.deleteTopic(topic);
    } catch (err) {
      this.settings.log(`deleting offsets of topic ${topic} failed: ${String(err)}`);
    }
  }

  /** Fsyncs the offset store; a failure is logged, not thrown. */
  flush(): void {
    if (this.closed) return;
    try {
      this.store.flush();
    } catch (err) {
      this.settings.log(`offset store fsync failed: ${String(err)}`);
    }
  }

  /**
   * Stops all timers, answers held joins and syncs with COORDINATOR_NOT_AVAILABLE, then fsyncs and closes
   * the offset store. Later calls answer COORDINATOR_NOT_AVAILABLE.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    for (const group of this.groups.values()) group.shutdown();
    try {
      this.store.close();
    } catch (err) {
      this.settings.log(`closing the offset store failed: ${String(err)}`);
    }
  }

  private checkGroupId(groupId: string): ErrorCode {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return groupId ? ErrorCode.NONE : ErrorCode.INVALID_GROUP_ID;
  }

  private checkJoin(req: JoinGroupRequest): ErrorCode {
    const error = this.checkGroupId(req.groupId);
    if (error !== ErrorCode.NONE) return error;
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.options;
    const session = req.sessionTimeoutMs;
    if (session < minSessionTimeoutMs || session > maxSessionTimeoutMs)
      return ErrorCode.INVALID_SESSION_TIMEOUT;
    return ErrorCode.NONE;
  }

  // Kafka accepts the empty group id for offset APIs, for old consumers that commit without a group.
  private admitCommit(req: OffsetCommitRequest): ErrorCode {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const group = this.groups.get(req.groupId);
    if (!group) {
      // A non-negative generation means a group member of a group that no longer exists.
      if (req.generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      this.createGroup(req.groupId, '');
      return ErrorCode.NONE;
    }
    if (group.state === 'Empty' && req.generationId < 0) return ErrorCode.NONE;
    return group.validateCommit(req.memberId, req.generationId);
  }

  private deleteGroup(groupId: string): ErrorCode {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const group = this.groups.get(groupId);
    if (!group) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    try {
      this.store.deleteGroup(groupId);
    } catch (err) {
      this.settings.log(`deleting group ${groupId} failed: ${String(err)}`);
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    this.groups.delete(groupId);
    return ErrorCode.NONE;
  }

  private createGroup(groupId: string, protocolType: string): ConsumerGroup {
    const group = new ConsumerGroup(groupId, protocolType, this.settings);
    this.groups.set(groupId, group);
    return group;
  }

  // Like Kafka's offset-expiration pass: a group with neither members nor offsets is forgotten.
  private sweepEmptyGroups(): void {
    for (const [groupId, group] of this.groups) {
      if (group.state === 'Empty' && !this.store.hasOffsets(groupId)) this.groups.delete(groupId);
    }
  }
}

function checkOffset(o: OffsetCommitPartition): ErrorCode {
  if (!Number.isSafeInteger(o.partition) || !Number.isSafeInteger(o.offset)) return ErrorCode.INVALID_REQUEST;
  if (o.metadata !== null && o.metadata.length > MAX_OFFSET_METADATA_LENGTH) {
    return ErrorCode.OFFSET_METADATA_TOO_LARGE;
  }
  return ErrorCode.NONE;
}
