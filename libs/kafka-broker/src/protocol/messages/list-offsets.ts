import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

/** ListOffsets timestamps with special meaning. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: { name: string; partitions: { partitionIndex: number; timestamp: number }[] }[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  timestamp: number;
  offset: number;
}

export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: ListOffsetsPartitionResponse[] }[];
}

export const listOffsetsApi: ApiSchema = {
  key: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 3,
  flexibleFrom: 6,
  request: [
    field('replicaId', 'int32', '0+'),
    field('isolationLevel', 'int8', '2+'),
    field(
      'topics',
      arrayOf([
        field('name', 'string', '0+'),
        field(
          'partitions',
          arrayOf([
            field('partitionIndex', 'int32', '0+'),
            field('currentLeaderEpoch', 'int32', '4+', { defaultValue: -1 }),
            field('timestamp', 'int64', '0+'),
          ]),
          '0+',
        ),
      ]),
      '0+',
    ),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+'),
    field(
      'topics',
      arrayOf([
        field('name', 'string', '0+'),
        field(
          'partitions',
          arrayOf([
            field('partitionIndex', 'int32', '0+'),
            field('errorCode', 'int16', '0+'),
            field('timestamp', 'int64', '1+', { defaultValue: -1 }),
            field('offset', 'int64', '1+', { defaultValue: -1 }),
            field('leaderEpoch', 'int32', '4+', { defaultValue: -1 }),
          ]),
          '0+',
        ),
      ]),
      '0+',
    ),
  ],
};
