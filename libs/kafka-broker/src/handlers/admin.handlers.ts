import { ErrorCode } from '../protocol/error-codes';
import { ApiVersionsResponse } from '../protocol/messages/api-versions';
import {
  CreatableTopic,
  CreateTopicsRequest,
  CreateTopicsResponse,
} from '../protocol/messages/create-topics';
import { DeleteTopicsRequest, DeleteTopicsResponse } from '../protocol/messages/delete-topics';
import { SUPPORTED_APIS } from '../protocol/messages';
import { BrokerContext } from '../server/broker-context';

/** ApiVersions: exactly the versions implemented, nothing more (no transactions, no SASL). */
export function handleApiVersions(): ApiVersionsResponse {
  return {
    errorCode: ErrorCode.NONE,
    apiKeys: SUPPORTED_APIS.map((api) => ({
      apiKey: api.key,
      minVersion: api.minVersion,
      maxVersion: api.maxVersion,
    })),
    throttleTimeMs: 0,
  };
}

type TopicOutcome = { name: string; errorCode: number; errorMessage: string | null };

function checkReplication(ctx: BrokerContext, topic: CreatableTopic): TopicOutcome | null {
  if (topic.assignments.length > 0) {
    const foreign = topic.assignments.some((a) => a.brokerIds.some((id) => id !== ctx.config.nodeId));
    if (foreign)
      return {
        name: topic.name,
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: 'only broker 0 exists',
      };
  }
  if (topic.replicationFactor > 1) {
    return {
      name: topic.name,
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage: `replication factor ${topic.replicationFactor} larger than the 1 available broker`,
    };
  }
  return null;
}

function createOne(ctx: BrokerContext, topic: CreatableTopic, validateOnly: boolean): TopicOutcome {
  const replicationProblem = checkReplication(ctx, topic);
  if (replicationProblem !== null) return replicationProblem;
  const partitions = topic.assignments.length > 0 ? topic.assignments.length : topic.numPartitions;
  const configs = Object.fromEntries(topic.configs.map((c) => [c.name, c.value ?? '']));
  const partitionCount = partitions < 0 ? ctx.config.defaultPartitions : partitions;
  if (validateOnly) {
    const problem = ctx.logs.checkNewTopic(topic.name, partitionCount, configs);
    if (problem === null) return { name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null };
    return { name: topic.name, errorCode: problem.errorCode, errorMessage: problem.message };
  }
  const created = ctx.logs.createTopic(topic.name, partitionCount, configs);
  if (!created.ok) return { name: topic.name, errorCode: created.errorCode, errorMessage: created.message };
  ctx.logger.info('created topic', { topic: topic.name, partitions: created.topic.partitions.length });
  return { name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null };
}

export function handleCreateTopics(ctx: BrokerContext, request: CreateTopicsRequest): CreateTopicsResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => createOne(ctx, topic, request.validateOnly)),
  };
}

/** DeleteTopics: removes the logs and the groups' committed offsets for the topic. */
export function handleDeleteTopics(ctx: BrokerContext, request: DeleteTopicsRequest): DeleteTopicsResponse {
  return {
    throttleTimeMs: 0,
    responses: request.topicNames.map((name) => {
      if (!ctx.logs.deleteTopic(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      ctx.groups.deleteTopicOffsets(name);
      ctx.logger.info('deleted topic', { topic: name });
      return { name, errorCode: ErrorCode.NONE };
    }),
  };
}
