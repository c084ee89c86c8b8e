import { ErrorCode } from '../protocol/error-codes';
import { MetadataRequest, MetadataResponse, MetadataTopic } from '../protocol/messages/metadata';
import { BrokerContext } from '../server/broker-context';
import { TopicState } from '../storage/log-manager';
import { resolveTopicForWrite } from './topic-resolution';

function describeTopic(ctx: BrokerContext, topic: TopicState): MetadataTopic {
  const nodeId = ctx.config.nodeId;
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    isInternal: false,
    partitions: topic.partitions.map((_log, partitionIndex) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex,
      leaderId: nodeId,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
  };
}

/** Metadata: this single node as the only broker, controller and leader of every partition. */
export function handleMetadata(
  ctx: BrokerContext,
  request: MetadataRequest,
  version: number,
): MetadataResponse {
  const named = request.topics ?? [];
  const everyTopic = request.topics === null || (version === 0 && named.length === 0);
  const topics = everyTopic
    ? ctx.logs.listTopics().map((topic) => describeTopic(ctx, topic))
    : named.map(({ name }) => {
        const resolved = resolveTopicForWrite(ctx, name, request.allowAutoTopicCreation);
        return resolved.ok
          ? describeTopic(ctx, resolved.topic)
          : { errorCode: resolved.errorCode, name, isInternal: false, partitions: [] };
      });
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: ctx.config.nodeId, host: ctx.config.advertisedHost, port: ctx.port, rack: null }],
    clusterId: ctx.clusterId,
    controllerId: ctx.config.nodeId,
    topics,
  };
}
