import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface LeaveGroupRequest {
  groupId: string;
  /** v0–v2: the one member leaving. */
  memberId: string;
  /** v3+: the members leaving (a batch). */
  members: { memberId: string }[];
}

export interface LeaveGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export const leaveGroupApi: ApiSchema = {
  key: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 4,
  request: [
    field('groupId', 'string', '0+'),
    field('memberId', 'string', '0-2'),
    field(
      'members',
      arrayOf([
        field('memberId', 'string', '3+'),
        field('groupInstanceId', 'string', '3+', { nullable: '3+', defaultValue: null }),
      ]),
      '3+',
    ),
  ],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    field(
      'members',
      arrayOf([
        field('memberId', 'string', '3+'),
        field('groupInstanceId', 'string', '3+', { nullable: '3+', defaultValue: null }),
        field('errorCode', 'int16', '3+'),
      ]),
      '3+',
    ),
  ],
};
