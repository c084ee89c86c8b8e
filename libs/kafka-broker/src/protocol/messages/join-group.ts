import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** -1 in v0, which has no such field. */
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
}

export interface JoinGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export const joinGroupApi: ApiSchema = {
  key: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 6,
  request: [
    field('groupId', 'string', '0+'),
    field('sessionTimeoutMs', 'int32', '0+'),
    field('rebalanceTimeoutMs', 'int32', '1+', { defaultValue: -1 }),
    field('memberId', 'string', '0+'),
    field('groupInstanceId', 'string', '5+', { nullable: '5+', defaultValue: null }),
    field('protocolType', 'string', '0+'),
    field('protocols', arrayOf([field('name', 'string', '0+'), field('metadata', 'bytes', '0+')]), '0+'),
  ],
  response: [
    field('throttleTimeMs', 'int32', '2+'),
    field('errorCode', 'int16', '0+'),
    field('generationId', 'int32', '0+', { defaultValue: -1 }),
    field('protocolName', 'string', '0+'),
    field('leader', 'string', '0+'),
    field('memberId', 'string', '0+'),
    field(
      'members',
      arrayOf([
        field('memberId', 'string', '0+'),
        field('groupInstanceId', 'string', '5+', { nullable: '5+', defaultValue: null }),
        field('metadata', 'bytes', '0+'),
      ]),
      '0+',
    ),
  ],
};
