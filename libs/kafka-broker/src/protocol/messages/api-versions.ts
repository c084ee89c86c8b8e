import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
  throttleTimeMs: number;
}

export const apiVersionsApi: ApiSchema = {
  key: ApiKey.ApiVersions,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 3,
  request: [field('clientSoftwareName', 'string', '3+'), field('clientSoftwareVersion', 'string', '3+')],
  response: [
    field('errorCode', 'int16', '0+'),
    field(
      'apiKeys',
      arrayOf([
        field('apiKey', 'int16', '0+'),
        field('minVersion', 'int16', '0+'),
        field('maxVersion', 'int16', '0+'),
      ]),
      '0+',
    ),
    field('throttleTimeMs', 'int32', '1+'),
  ],
};
