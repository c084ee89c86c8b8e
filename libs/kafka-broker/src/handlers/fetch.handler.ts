import { ErrorCode } from '../protocol/error-codes';
import { FetchPartitionResponse, FetchRequest, FetchResponse } from '../protocol/messages/fetch';
import { BrokerContext } from '../server/broker-context';
import { partitionKey } from '../server/fetch-waiters';

const EMPTY = Buffer.alloc(0);

interface FetchAttempt {
  response: FetchResponse;
  bytes: number;
  failed: boolean;
}

function partitionError(
  partitionIndex: number,
  errorCode: number,
  highWatermark = -1,
  logStartOffset = -1,
): FetchPartitionResponse {
  return {
    partitionIndex,
    errorCode,
    highWatermark,
    lastStableOffset: highWatermark,
    logStartOffset,
    abortedTransactions: null,
    records: EMPTY,
  };
}

/** Reads every requested partition once, within the request's total and per-partition byte limits. */
function readPartitions(ctx: BrokerContext, request: FetchRequest): FetchAttempt {
  let bytes = 0;
  let failed = false;
  const responses = request.topics.map(({ topic, partitions }) => {
    const state = ctx.logs.getTopic(topic);
    return {
      topic,
      partitions: partitions.map(({ partition, fetchOffset, partitionMaxBytes }) => {
        const log = state?.partitions[partition];
        if (log === undefined) {
          failed = true;
          return partitionError(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        const { logStartOffset, logEndOffset } = log;
        if (fetchOffset < logStartOffset || fetchOffset > logEndOffset) {
          failed = true;
          return partitionError(partition, ErrorCode.OFFSET_OUT_OF_RANGE, logEndOffset, logStartOffset);
        }
        const budget = Math.min(partitionMaxBytes, request.maxBytes - bytes);
        // KIP-74: the first partition with data may exceed the limits by one batch, later ones may not.
        let records = budget > 0 || bytes === 0 ? log.read(fetchOffset, Math.max(budget, 1)) : EMPTY;
        if (bytes > 0 && records.length > budget) records = EMPTY;
        bytes += records.length;
        return { ...partitionError(partition, ErrorCode.NONE, logEndOffset, logStartOffset), records };
      }),
    };
  });
  return {
    response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses },
    bytes,
    failed,
  };
}

/**
 * Fetch with long polling: answers at once when minBytes are there (or on an error), otherwise
 * parks until data arrives or maxWaitMs passes. Fetch sessions (KIP-227) are declined with
 * session id 0, so every fetch is a full fetch, which every client supports.
 */
export function handleFetch(
  ctx: BrokerContext,
  request: FetchRequest,
): FetchResponse | Promise<FetchResponse> {
  const first = readPartitions(ctx, request);
  if (first.failed || first.bytes >= request.minBytes || request.maxWaitMs <= 0) return first.response;
  const keys = request.topics.flatMap(({ topic, partitions }) =>
    partitions.map((p) => partitionKey(topic, p.partition)),
  );
  return new Promise((resolve) => {
    ctx.fetchWaiters.park(
      keys,
      request.maxWaitMs,
      () => {
        const attempt = readPartitions(ctx, request);
        if (!attempt.failed && attempt.bytes < request.minBytes) return false;
        resolve(attempt.response);
        return true;
      },
      () => resolve(readPartitions(ctx, request).response),
    );
  });
}
