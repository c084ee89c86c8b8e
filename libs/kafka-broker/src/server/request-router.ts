import { handleApiVersions, handleCreateTopics, handleDeleteTopics } from '../handlers/admin.handlers';
import { handleFetch } from '../handlers/fetch.handler';
import {
  handleDescribeGroups,
  handleFindCoordinator,
  handleHeartbeat,
  handleJoinGroup,
  handleLeaveGroup,
  handleListGroups,
  handleSyncGroup,
} from '../handlers/group.handlers';
import { handleListOffsets } from '../handlers/list-offsets.handler';
import { handleMetadata } from '../handlers/metadata.handler';
import { handleOffsetCommit, handleOffsetFetch } from '../handlers/offsets.handlers';
import { handleProduce } from '../handlers/produce.handler';
import { ApiKey } from '../protocol/api';
import { StructValue } from '../protocol/schema';
import { BrokerContext, RequestContext } from './broker-context';

type HandlerResult = object | null | Promise<object | null>;
/**
 * A handler receives the decoded request as its typed view. The cast happens once, here: the
 * schema that decoded the body is the one the typed interface beside it describes.
 */
type Handler = (ctx: BrokerContext, request: never, version: number, caller: RequestContext) => HandlerResult;

const HANDLERS: Record<ApiKey, Handler> = {
  [ApiKey.Produce]: handleProduce,
  [ApiKey.Fetch]: handleFetch,
  [ApiKey.ListOffsets]: handleListOffsets,
  [ApiKey.Metadata]: handleMetadata,
  [ApiKey.OffsetCommit]: handleOffsetCommit,
  [ApiKey.OffsetFetch]: handleOffsetFetch,
  [ApiKey.FindCoordinator]: handleFindCoordinator,
  [ApiKey.JoinGroup]: handleJoinGroup,
  [ApiKey.Heartbeat]: handleHeartbeat,
  [ApiKey.LeaveGroup]: handleLeaveGroup,
  [ApiKey.SyncGroup]: handleSyncGroup,
  [ApiKey.DescribeGroups]: handleDescribeGroups,
  [ApiKey.ListGroups]: handleListGroups,
  [ApiKey.ApiVersions]: handleApiVersions,
  [ApiKey.CreateTopics]: handleCreateTopics,
  [ApiKey.DeleteTopics]: handleDeleteTopics,
};

/** Dispatches decoded requests to their handlers; null means "send no response" (produce with acks=0). */
export class RequestRouter {
  constructor(private readonly ctx: BrokerContext) {}

  route(
    apiKey: ApiKey,
    version: number,
    body: StructValue,
    caller: RequestContext,
  ): StructValue | null | Promise<StructValue | null> {
    const handler = HANDLERS[apiKey] as (...args: unknown[]) => HandlerResult;
    return handler(this.ctx, body, version, caller) as StructValue | null | Promise<StructValue | null>;
  }
}
