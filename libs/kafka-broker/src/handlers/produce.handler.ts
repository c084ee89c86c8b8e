import { validateRecordBatches } from '../protocol/record-batch';
import { ErrorCode } from '../protocol/error-codes';
import { ProducePartitionResponse, ProduceRequest, ProduceResponse } from '../protocol/messages/produce';
import { BrokerContext } from '../server/broker-context';
import { partitionKey } from '../server/fetch-waiters';
import { PartitionLog } from '../storage/partition-log';
import { resolveTopicForWrite } from './topic-resolution';

const VALID_ACKS = new Set([-1, 0, 1]);

function failed(index: number, errorCode: number): ProducePartitionResponse {
  return { index, errorCode, baseOffset: -1, logStartOffset: -1 };
}

/**
 * Produce: validates each record batch (magic 2, CRC-32C) and appends it as received, so every
 * compression codec passes through untouched. The data is in the OS before the response is
 * written; with fsync "always" it is on disk too. acks=0 gets no response, as in Kafka.
 */
export function handleProduce(ctx: BrokerContext, request: ProduceRequest): ProduceResponse | null {
  const touched: PartitionLog[] = [];
  const responses = request.topicData.map(({ name, partitionData }) => {
    const resolved = resolveTopicForWrite(ctx, name, true);
    const partitionResponses = partitionData.map(({ index, records }) => {
      if (!VALID_ACKS.has(request.acks)) return failed(index, ErrorCode.INVALID_REQUIRED_ACKS);
      if (!resolved.ok) return failed(index, resolved.errorCode);
      const log = resolved.topic.partitions[index];
      if (log === undefined) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const validation = validateRecordBatches(
        records ?? Buffer.alloc(0),
        resolved.topic.config.maxMessageBytes,
      );
      if (!validation.ok || records === null) {
        ctx.logger.warn('rejected produce', {
          topic: name,
          partition: index,
          reason: validation.ok ? 'no records' : validation.reason,
        });
        return failed(index, validation.ok ? ErrorCode.CORRUPT_MESSAGE : validation.errorCode);
      }
      const { baseOffset } = log.append(records);
      touched.push(log);
      ctx.fetchWaiters.notifyAppended(partitionKey(name, index));
      return { index, errorCode: ErrorCode.NONE, baseOffset, logStartOffset: log.logStartOffset };
    });
    return { name, partitionResponses };
  });
  if (ctx.config.fsync === 'always') for (const log of touched) log.flush();
  if (request.acks === 0) return null;
  return { responses, throttleTimeMs: 0 };
}
