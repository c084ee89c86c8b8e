import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: { groupId: string; protocolType: string }[];
}

export const listGroupsApi: ApiSchema = {
  key: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 3,
  request: [],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    field('groups', arrayOf([field('groupId', 'string', '0+'), field('protocolType', 'string', '0+')]), '0+'),
  ],
};
