import type { ErrorCode } from '../protocol/error-codes';

/** States of a classic consumer group, named as Kafka's DescribeGroups reports them. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** One protocol (assignor) a member supports, with its opaque subscription metadata. */
export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

/** A decoded JoinGroup request (any version; v0 passes the session timeout as the rebalance timeout). */
export interface JoinGroupRequest {
  groupId: string;
  /** Empty for a member joining for the first time. */
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  /** In the member's order of preference. */
  protocols: GroupProtocol[];
}

/** A member as the group leader sees it in its JoinGroup response. */
export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  /** The member's metadata for the chosen protocol. */
  metadata: Buffer;
}

/** The answer to a JoinGroup request. On error: generationId -1, protocolName and leader empty. */
export interface JoinGroupResult {
  errorCode: ErrorCode;
  generationId: number;
  /** Empty on error (JoinGroup v7+ encodes it as null). */
  protocolName: string;
  leader: string;
  memberId: string;
  /** Every member for the leader, empty for followers. */
  members: JoinGroupMember[];
}

/** One member's assignment as sent by the group leader. */
export interface SyncGroupAssignment {
  memberId: string;
  assignment: Buffer;
}

/** A decoded SyncGroup request; followers send no assignments. */
export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  assignments: SyncGroupAssignment[];
}

/** The answer to a SyncGroup request: the member's assignment, empty on error. */
export interface SyncGroupResult {
  errorCode: ErrorCode;
  assignment: Buffer;
}

/** A decoded Heartbeat request. */
export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
}

/** The answer to a Heartbeat request. */
export interface HeartbeatResult {
  errorCode: ErrorCode;
}

/** A decoded LeaveGroup request; v0-v2 carry a single member id. */
export interface LeaveGroupRequest {
  groupId: string;
  memberIds: string[];
}

/** The outcome for one leaving member. */
export interface LeaveGroupMemberResult {
  memberId: string;
  errorCode: ErrorCode;
}

/**
 * The answer to a LeaveGroup request. For v0-v2 the wire error is `errorCode` if not NONE, else the single
 * member's error.
 */
export interface LeaveGroupResult {
  errorCode: ErrorCode;
  members: LeaveGroupMemberResult[];
}

/** A topic partition named in an OffsetFetch request. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One partition's offset in an OffsetCommit request; a null metadata is stored as ''. */
export interface OffsetCommitPartition {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
}

/** A decoded OffsetCommit request; standalone (non-group) consumers send generation -1 and member ''. */
export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  offsets: OffsetCommitPartition[];
}

/** The outcome of committing one partition. */
export interface OffsetCommitPartitionResult {
  topic: string;
  partition: number;
  errorCode: ErrorCode;
}

/** One partition's committed offset; offset -1 and metadata '' when nothing is committed. */
export interface OffsetFetchPartitionResult {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
  errorCode: ErrorCode;
}

/** A member as DescribeGroups reports it; metadata and assignment are empty unless the group is Stable. */
export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

/** The answer to DescribeGroups for one group; an unknown group is reported Dead with no error. */
export interface DescribeGroupResult {
  errorCode: ErrorCode;
  groupId: string;
  state: GroupState;
  protocolType: string;
  /** The chosen protocol while Stable, otherwise ''. */
  protocol: string;
  members: DescribedMember[];
}

/** A group as ListGroups reports it (`state` serves ListGroups v4's state filter). */
export interface ListedGroup {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

/** The outcome of deleting one group (DeleteGroups). */
export interface DeleteGroupResult {
  groupId: string;
  errorCode: ErrorCode;
}
