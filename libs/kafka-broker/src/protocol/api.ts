import { StructType } from './schema';

/** Kafka API keys the broker implements. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
} as const;

export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

/** One API: the versions the broker serves and the schemas of its request and response. */
export interface ApiSchema {
  readonly key: ApiKey;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First version that uses the flexible (compact, tagged-field) encoding; Infinity if none served. */
  readonly flexibleFrom: number;
  readonly request: StructType;
  readonly response: StructType;
}

export function isFlexible(api: ApiSchema, version: number): boolean {
  return version >= api.flexibleFrom;
}
