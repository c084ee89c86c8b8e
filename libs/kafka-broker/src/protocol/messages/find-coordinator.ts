import { ApiKey, ApiSchema } from '../api';
import { field } from '../schema';

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const findCoordinatorApi: ApiSchema = {
  key: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 3,
  request: [field('key', 'string', '0+'), field('keyType', 'int8', '1+')],
  response: [
    field('throttleTimeMs', 'int32', '1+'),
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '1+', { nullable: '1+', defaultValue: null }),
    field('nodeId', 'int32', '0+'),
    field('host', 'string', '0+'),
    field('port', 'int32', '0+'),
  ],
};
