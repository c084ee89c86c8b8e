import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
}

export interface FetchRequest {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: { topic: string; partitions: FetchPartitionRequest[] }[];
}

export interface FetchPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: null;
  records: Buffer | null;
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: { topic: string; partitions: FetchPartitionResponse[] }[];
}

export const fetchApi: ApiSchema = {
  key: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  flexibleFrom: 12,
  request: [
    field('replicaId', 'int32', '0+'),
    field('maxWaitMs', 'int32', '0+'),
    field('minBytes', 'int32', '0+'),
    field('maxBytes', 'int32', '3+', { defaultValue: 0x7fffffff }),
    field('isolationLevel', 'int8', '4+'),
    field('sessionId', 'int32', '7+'),
    field('sessionEpoch', 'int32', '7+', { defaultValue: -1 }),
    field(
      'topics',
      arrayOf([
        field('topic', 'string', '0+'),
        field(
          'partitions',
          arrayOf([
            field('partition', 'int32', '0+'),
            field('currentLeaderEpoch', 'int32', '9+', { defaultValue: -1 }),
            field('fetchOffset', 'int64', '0+'),
            field('logStartOffset', 'int64', '5+', { defaultValue: -1 }),
            field('partitionMaxBytes', 'int32', '0+'),
          ]),
          '0+',
        ),
      ]),
      '0+',
    ),
    field(
      'forgottenTopicsData',
      arrayOf([field('topic', 'string', '7+'), field('partitions', arrayOf('int32'), '7+')]),
      '7+',
    ),
    field('rackId', 'string', '11+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '7+'),
    field('sessionId', 'int32', '7+'),
    field(
      'responses',
      arrayOf([
        field('topic', 'string', '0+'),
        field(
          'partitions',
          arrayOf([
            field('partitionIndex', 'int32', '0+'),
            field('errorCode', 'int16', '0+'),
            field('highWatermark', 'int64', '0+'),
            field('lastStableOffset', 'int64', '4+', { defaultValue: -1 }),
            field('logStartOffset', 'int64', '5+', { defaultValue: -1 }),
            field(
              'abortedTransactions',
              arrayOf([field('producerId', 'int64', '4+'), field('firstOffset', 'int64', '4+')]),
              '4+',
              { nullable: '4+', defaultValue: null },
            ),
            field('preferredReadReplica', 'int32', '11+', { defaultValue: -1 }),
            field('records', 'records', '0+', { nullable: '0+' }),
          ]),
          '0+',
        ),
      ]),
      '0+',
    ),
  ],
};
