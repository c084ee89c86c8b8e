import { ApiKey, ApiSchema } from '../api';
import { field } from '../schema';

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
}

export interface HeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export const heartbeatApi: ApiSchema = {
  key: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 4,
  request: [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', defaultValue: null }),
  ],
  response: [field('throttleTimeMs', 'int32', '1+'), field('errorCode', 'int16', '0+')],
};
