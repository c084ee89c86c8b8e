import { ErrorCode } from '../protocol/error-codes';
import { convertLegacyMessageSet } from '../protocol/legacy-message-set';
import { ProducePartitionResponse, ProduceRequest, ProduceResponse } from '../protocol/messages/produce';
import { validateRecordBatches } from '../protocol/record-batch';
import { BrokerContext } from '../server/broker-context';
import { partitionKey } from '../server/fetch-waiters';
import { PartitionLog } from '../storage/partition-log';
import { resolveTopicForWrite } from './topic-resolution';

const VALID_ACKS = new Set([-1, 0, 1]);
/** Produce v3 introduced record batches (magic 2); older versions carry legacy message sets. */
const FIRST_RECORD_BATCH_VERSION = 3;

type Batches = { ok: true; batches: Buffer } | { ok: false; errorCode: number; reason: string };

function failed(index: number, errorCode: number): ProducePartitionResponse {
  return { index, errorCode, baseOffset: -1, logStartOffset: -1 };
}

/** The record batches to append: as received (v3+), or converted from a legacy message set. */
function batchesToAppend(records: Buffer | null, version: number, maxMessageBytes: number): Batches {
  if (records === null || records.length === 0) {
    return { ok: false, errorCode: ErrorCode.CORRUPT_MESSAGE, reason: 'no records' };
  }
  let batches = records;
  if (version < FIRST_RECORD_BATCH_VERSION) {
    const converted = convertLegacyMessageSet(records, Date.now());
    if (!converted.ok) return converted;
    batches = converted.batch;
  }
  const validation = validateRecordBatches(batches, maxMessageBytes);
  return validation.ok ? { ok: true, batches } : validation;
}

/**
 * Produce: validates each record batch (magic 2, CRC-32C) and appends it as received, so every
 * compression codec passes through untouched. The data is in the OS before the response is
 * written; with fsync "always" it is on disk too. acks=0 gets no response, as in Kafka.
 */
export function handleProduce(
  ctx: BrokerContext,
  request: ProduceRequest,
  version: number,
): ProduceResponse | null {
  const touched: PartitionLog[] = [];
  const responses = request.topicData.map(({ name, partitionData }) => {
    const resolved = resolveTopicForWrite(ctx, name, true);
    const partitionResponses = partitionData.map(({ index, records }) => {
      if (!VALID_ACKS.has(request.acks)) return failed(index, ErrorCode.INVALID_REQUIRED_ACKS);
      if (!resolved.ok) return failed(index, resolved.errorCode);
      const log = resolved.topic.partitions[index];
      if (log === undefined) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const incoming = batchesToAppend(records, version, resolved.topic.config.maxMessageBytes);
      if (!incoming.ok) {
        ctx.logger.warn('rejected produce', { topic: name, partition: index, reason: incoming.reason });
        return failed(index, incoming.errorCode);
      }
      const { baseOffset } = log.append(incoming.batches);
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
