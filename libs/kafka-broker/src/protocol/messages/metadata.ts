import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface MetadataRequest {
  /** null (v1+) or, in v0, an empty list: every topic. */
  topics: { name: string }[] | null;
  allowAutoTopicCreation: boolean;
}

export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
}

export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopic[];
}

export const metadataApi: ApiSchema = {
  key: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 6,
  flexibleFrom: 9,
  request: [
    field('topics', arrayOf([field('name', 'string', '0+')]), '0+', { nullable: '1+' }),
    field('allowAutoTopicCreation', 'bool', '4+', { defaultValue: true }),
  ],
  response: [
    field('throttleTimeMs', 'int32', '3+'),
    field(
      'brokers',
      arrayOf([
        field('nodeId', 'int32', '0+'),
        field('host', 'string', '0+'),
        field('port', 'int32', '0+'),
        field('rack', 'string', '1+', { nullable: '1+', defaultValue: null }),
      ]),
      '0+',
    ),
    field('clusterId', 'string', '2+', { nullable: '2+', defaultValue: null }),
    field('controllerId', 'int32', '1+', { defaultValue: -1 }),
    field(
      'topics',
      arrayOf([
        field('errorCode', 'int16', '0+'),
        field('name', 'string', '0+'),
        field('isInternal', 'bool', '1+'),
        field(
          'partitions',
          arrayOf([
            field('errorCode', 'int16', '0+'),
            field('partitionIndex', 'int32', '0+'),
            field('leaderId', 'int32', '0+'),
            field('leaderEpoch', 'int32', '7+', { defaultValue: -1 }),
            field('replicaNodes', arrayOf('int32'), '0+'),
            field('isrNodes', arrayOf('int32'), '0+'),
            field('offlineReplicas', arrayOf('int32'), '5+'),
          ]),
          '0+',
        ),
      ]),
      '0+',
    ),
  ],
};
