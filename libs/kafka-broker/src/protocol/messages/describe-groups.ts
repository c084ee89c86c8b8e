import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface DescribeGroupsRequest {
  groups: string[];
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: {
    memberId: string;
    clientId: string;
    clientHost: string;
    memberMetadata: Buffer;
    memberAssignment: Buffer;
  }[];
}

export interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

export const describeGroupsApi: ApiSchema = {
  key: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 5,
  request: [field('groups', arrayOf('string'), '0+')],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field(
      'groups',
      arrayOf([
        field('errorCode', 'int16', '0+'),
        field('groupId', 'string', '0+'),
        field('groupState', 'string', '0+'),
        field('protocolType', 'string', '0+'),
        field('protocolData', 'string', '0+'),
        field(
          'members',
          arrayOf([
            field('memberId', 'string', '0+'),
            field('clientId', 'string', '0+'),
            field('clientHost', 'string', '0+'),
            field('memberMetadata', 'bytes', '0+'),
            field('memberAssignment', 'bytes', '0+'),
          ]),
          '0+',
        ),
      ]),
      '0+',
    ),
  ],
};
