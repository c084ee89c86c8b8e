import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: number; committedMetadata: string | null }[];
  }[];
}

export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export const offsetCommitApi: ApiSchema = {
  key: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 5,
  flexibleFrom: 8,
  request: [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '1+', { defaultValue: -1 }),
    field('memberId', 'string', '1+'),
    field('retentionTimeMs', 'int64', '2-4', { defaultValue: -1 }),
    field(
      'topics',
      arrayOf([
        field('name', 'string', '0+'),
        field(
          'partitions',
          arrayOf([
            field('partitionIndex', 'int32', '0+'),
            field('committedOffset', 'int64', '0+'),
            field('committedLeaderEpoch', 'int32', '6+', { defaultValue: -1 }),
            field('commitTimestamp', 'int64', '1', { defaultValue: -1 }),
            field('committedMetadata', 'string', '0+', { nullable: '0+' }),
          ]),
          '0+',
        ),
      ]),
      '0+',
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
          arrayOf([field('partitionIndex', 'int32', '0+'), field('errorCode', 'int16', '0+')]),
          '0+',
        ),
      ]),
      '0+',
    ),
  ],
};
