import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  assignment: Buffer;
}

export const syncGroupApi: ApiSchema = {
  key: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 4,
  request: [
    field('groupId', 'string', '0+'),
    field('generationId', 'int32', '0+'),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '3+', { nullable: '3+', defaultValue: null }),
    field(
      'assignments',
      arrayOf([field('memberId', 'string', '0+'), field('assignment', 'bytes', '0+')]),
      '0+',
    ),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    field('assignment', 'bytes', '0+', { defaultValue: Buffer.alloc(0) }),
  ],
};
