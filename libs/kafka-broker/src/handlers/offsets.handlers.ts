import { ErrorCode } from '../protocol/error-codes';
import { OffsetCommitRequest, OffsetCommitResponse } from '../protocol/messages/offset-commit';
import {
  OffsetFetchPartitionResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
} from '../protocol/messages/offset-fetch';
import { BrokerContext } from '../server/broker-context';

/** OffsetCommit: commits for partitions that do not exist answer UNKNOWN_TOPIC_OR_PARTITION, as in Kafka. */
export function handleOffsetCommit(ctx: BrokerContext, request: OffsetCommitRequest): OffsetCommitResponse {
  const known = request.topics.flatMap(({ name, partitions }) =>
    partitions
      .filter((p) => ctx.logs.getTopic(name)?.partitions[p.partitionIndex] !== undefined)
      .map((p) => ({
        topic: name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        metadata: p.committedMetadata,
      })),
  );
  const results = ctx.groups.commitOffsets({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    offsets: known,
  });
  if (ctx.config.fsync === 'always') ctx.groups.flush();
  const errorFor = new Map(results.map((r) => [`${r.topic}\u0000${r.partition}`, r.errorCode]));
  return {
    throttleTimeMs: 0,
    topics: request.topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map(({ partitionIndex }) => ({
        partitionIndex,
        errorCode: errorFor.get(`${name}\u0000${partitionIndex}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      })),
    })),
  };
}

/** OffsetFetch: committed offsets of a group, -1 where none; null topics (v2+) means all of them. */
export function handleOffsetFetch(ctx: BrokerContext, request: OffsetFetchRequest): OffsetFetchResponse {
  const wanted =
    request.topics === null
      ? null
      : request.topics.flatMap(({ name, partitionIndexes }) =>
          partitionIndexes.map((partition) => ({ topic: name, partition })),
        );
  const byTopic = new Map<string, OffsetFetchPartitionResponse[]>();
  for (const row of ctx.groups.fetchOffsets(request.groupId, wanted)) {
    let partitions = byTopic.get(row.topic);
    if (partitions === undefined) byTopic.set(row.topic, (partitions = []));
    partitions.push({
      partitionIndex: row.partition,
      committedOffset: row.offset,
      metadata: row.metadata,
      errorCode: row.errorCode,
    });
  }
  return {
    throttleTimeMs: 0,
    topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    errorCode: ErrorCode.NONE,
  };
}
