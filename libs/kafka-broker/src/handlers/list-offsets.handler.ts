import { ErrorCode } from '../protocol/error-codes';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  ListOffsetsPartitionResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
} from '../protocol/messages/list-offsets';
import { BrokerContext } from '../server/broker-context';
import { PartitionLog } from '../storage/partition-log';

function lookUp(log: PartitionLog, partitionIndex: number, timestamp: number): ListOffsetsPartitionResponse {
  const found = { partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1 };
  if (timestamp === LATEST_TIMESTAMP) return { ...found, offset: log.logEndOffset };
  if (timestamp === EARLIEST_TIMESTAMP) return { ...found, offset: log.logStartOffset };
  const match = log.offsetForTimestamp(timestamp);
  return match === null
    ? { ...found, offset: -1 }
    : { ...found, offset: match.offset, timestamp: match.timestamp };
}

/** ListOffsets: latest (-1), earliest (-2), or the first offset at or after a timestamp. */
export function handleListOffsets(ctx: BrokerContext, request: ListOffsetsRequest): ListOffsetsResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map(({ name, partitions }) => {
      const topic = ctx.logs.getTopic(name);
      return {
        name,
        partitions: partitions.map(({ partitionIndex, timestamp }) => {
          const log = topic?.partitions[partitionIndex];
          if (log === undefined) {
            return {
              partitionIndex,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              timestamp: -1,
              offset: -1,
            };
          }
          return lookUp(log, partitionIndex, timestamp);
        }),
      };
    }),
  };
}
