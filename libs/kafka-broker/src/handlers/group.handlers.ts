import { ErrorCode } from '../protocol/error-codes';
import { DescribeGroupsRequest, DescribeGroupsResponse } from '../protocol/messages/describe-groups';
import { FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/messages/find-coordinator';
import { HeartbeatRequest, HeartbeatResponse } from '../protocol/messages/heartbeat';
import { JoinGroupRequest, JoinGroupResponse } from '../protocol/messages/join-group';
import { LeaveGroupRequest, LeaveGroupResponse } from '../protocol/messages/leave-group';
import { ListGroupsResponse } from '../protocol/messages/list-groups';
import { SyncGroupRequest, SyncGroupResponse } from '../protocol/messages/sync-group';
import { BrokerContext, RequestContext } from '../server/broker-context';

/** FindCoordinator: this node coordinates every group (and would every transaction, were they served). */
export function handleFindCoordinator(
  ctx: BrokerContext,
  _request: FindCoordinatorRequest,
): FindCoordinatorResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    nodeId: ctx.config.nodeId,
    host: ctx.config.advertisedHost,
    port: ctx.port,
  };
}

export async function handleJoinGroup(
  ctx: BrokerContext,
  request: JoinGroupRequest,
  _version: number,
  caller: RequestContext,
): Promise<JoinGroupResponse> {
  const result = await ctx.groups.joinGroup({
    groupId: request.groupId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    clientId: caller.clientId,
    clientHost: caller.clientHost,
    sessionTimeoutMs: request.sessionTimeoutMs,
    // v0 has no rebalance timeout; Kafka uses the session timeout for it then.
    rebalanceTimeoutMs:
      request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
    protocolType: request.protocolType,
    protocols: request.protocols,
  });
  return { throttleTimeMs: 0, ...result };
}

export async function handleSyncGroup(
  ctx: BrokerContext,
  request: SyncGroupRequest,
): Promise<SyncGroupResponse> {
  const result = await ctx.groups.syncGroup(request);
  return { throttleTimeMs: 0, ...result };
}

export function handleHeartbeat(ctx: BrokerContext, request: HeartbeatRequest): HeartbeatResponse {
  return { throttleTimeMs: 0, ...ctx.groups.heartbeat(request) };
}

export function handleLeaveGroup(
  ctx: BrokerContext,
  request: LeaveGroupRequest,
  version: number,
): LeaveGroupResponse {
  const memberIds = version >= 3 ? request.members.map((member) => member.memberId) : [request.memberId];
  const result = ctx.groups.leaveGroup({ groupId: request.groupId, memberIds });
  // Before v3 one member leaves and its error is the response's error.
  const errorCode = version >= 3 ? result.errorCode : (result.members[0]?.errorCode ?? result.errorCode);
  return {
    throttleTimeMs: 0,
    errorCode,
    members: result.members.map((member) => ({ ...member, groupInstanceId: null })),
  };
}

export function handleDescribeGroups(
  ctx: BrokerContext,
  request: DescribeGroupsRequest,
): DescribeGroupsResponse {
  return {
    throttleTimeMs: 0,
    groups: request.groups.map((groupId) => {
      const group = ctx.groups.describeGroup(groupId);
      return {
        errorCode: group.errorCode,
        groupId: group.groupId,
        groupState: group.state,
        protocolType: group.protocolType,
        protocolData: group.protocol,
        members: group.members.map((member) => ({
          memberId: member.memberId,
          clientId: member.clientId,
          clientHost: member.clientHost,
          memberMetadata: member.metadata,
          memberAssignment: member.assignment,
        })),
      };
    }),
  };
}

export function handleListGroups(ctx: BrokerContext): ListGroupsResponse {
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: ctx.groups.listGroups() };
}
