import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}

export interface DeleteTopicsResponse {
  throttleTimeMs: number;
  responses: { name: string; errorCode: number }[];
}

export const deleteTopicsApi: ApiSchema = {
  key: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 4,
  request: [field('topicNames', arrayOf('string'), '0+'), field('timeoutMs', 'int32', '0+')],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('responses', arrayOf([field('name', 'string', '0+'), field('errorCode', 'int16', '0+')]), '0+'),
  ],
};
