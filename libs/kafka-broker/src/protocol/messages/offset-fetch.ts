import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface OffsetFetchRequest {
  groupId: string;
  /** null (v2+): every partition the group has committed. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
}

export interface OffsetFetchPartitionResponse {
  partitionIndex: number;
  committedOffset: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: OffsetFetchPartitionResponse[] }[];
  errorCode: number;
}

export const offsetFetchApi: ApiSchema = {
  key: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 5,
  flexibleFrom: 6,
  request: [
    field('groupId', 'string', '0+'),
    field(
      'topics',
      arrayOf([field('name', 'string', '0+'), field('partitionIndexes', arrayOf('int32'), '0+')]),
      '0+',
      { nullable: '2+' },
    ),
  ],
  response: [
    field('throttleTimeMs', 'int32', '3+'),
    field(
      'topics',
      arrayOf([
        field('name', 'string', '0+'),
        field(
          'partitions',
          arrayOf([
            field('partitionIndex', 'int32', '0+'),
            field('committedOffset', 'int64', '0+'),
            field('committedLeaderEpoch', 'int32', '5+', { defaultValue: -1 }),
            field('metadata', 'string', '0+', { nullable: '0+' }),
            field('errorCode', 'int16', '0+'),
          ]),
          '0+',
        ),
      ]),
      '0+',
    ),
    field('errorCode', 'int16', '2+'),
  ],
};
