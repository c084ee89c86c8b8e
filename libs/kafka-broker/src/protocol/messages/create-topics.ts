import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreateTopicsResponse {
  throttleTimeMs: number;
  topics: { name: string; errorCode: number; errorMessage: string | null }[];
}

export const createTopicsApi: ApiSchema = {
  key: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 5,
  request: [
    field(
      'topics',
      arrayOf([
        field('name', 'string', '0+'),
        field('numPartitions', 'int32', '0+'),
        field('replicationFactor', 'int16', '0+'),
        field(
          'assignments',
          arrayOf([field('partitionIndex', 'int32', '0+'), field('brokerIds', arrayOf('int32'), '0+')]),
          '0+',
        ),
        field(
          'configs',
          arrayOf([field('name', 'string', '0+'), field('value', 'string', '0+', { nullable: '0+' })]),
          '0+',
        ),
      ]),
      '0+',
    ),
    field('timeoutMs', 'int32', '0+'),
    field('validateOnly', 'bool', '1+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+'),
    field(
      'topics',
      arrayOf([
        field('name', 'string', '0+'),
        field('errorCode', 'int16', '0+'),
        field('errorMessage', 'string', '1+', { nullable: '0+', defaultValue: null }),
      ]),
      '0+',
    ),
  ],
};
