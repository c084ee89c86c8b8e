import { ApiSchema } from '../api';
import { apiVersionsApi } from './api-versions';
import { createTopicsApi } from './create-topics';
import { deleteTopicsApi } from './delete-topics';
import { describeGroupsApi } from './describe-groups';
import { fetchApi } from './fetch';
import { findCoordinatorApi } from './find-coordinator';
import { heartbeatApi } from './heartbeat';
import { joinGroupApi } from './join-group';
import { leaveGroupApi } from './leave-group';
import { listGroupsApi } from './list-groups';
import { listOffsetsApi } from './list-offsets';
import { metadataApi } from './metadata';
import { offsetCommitApi } from './offset-commit';
import { offsetFetchApi } from './offset-fetch';
import { produceApi } from './produce';
import { syncGroupApi } from './sync-group';

/** Every API the broker serves, in API-key order; ApiVersions advertises exactly these ranges. */
export const SUPPORTED_APIS: readonly ApiSchema[] = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  apiVersionsApi,
  createTopicsApi,
  deleteTopicsApi,
];

export const API_BY_KEY: ReadonlyMap<number, ApiSchema> = new Map(
  SUPPORTED_APIS.map((api) => [api.key, api]),
);
