import { ApiKey, ApiSchema } from '../api';
import { arrayOf, field } from '../schema';

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: { name: string; partitionData: { index: number; records: Buffer | null }[] }[];
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs?: number;
  logStartOffset?: number;
}

export interface ProduceResponse {
  responses: { name: string; partitionResponses: ProducePartitionResponse[] }[];
  throttleTimeMs: number;
}

export const produceApi: ApiSchema = {
  key: ApiKey.Produce,
  name: 'Produce',
  // v0–v2 carry legacy message sets, converted to record batches by the produce handler.
  minVersion: 0,
  maxVersion: 7,
  flexibleFrom: 9,
  request: [
    field('transactionalId', 'string', '3+', { nullable: '3+', defaultValue: null }),
    field('acks', 'int16', '0+'),
    field('timeoutMs', 'int32', '0+'),
    field(
      'topicData',
      arrayOf([
        field('name', 'string', '0+'),
        field(
          'partitionData',
          arrayOf([field('index', 'int32', '0+'), field('records', 'records', '0+')]),
          '0+',
        ),
      ]),
      '0+',
    ),
  ],
  response: [
    field(
      'responses',
      arrayOf([
        field('name', 'string', '0+'),
        field(
          'partitionResponses',
          arrayOf([
            field('index', 'int32', '0+'),
            field('errorCode', 'int16', '0+'),
            field('baseOffset', 'int64', '0+'),
            field('logAppendTimeMs', 'int64', '2+', { defaultValue: -1 }),
            field('logStartOffset', 'int64', '5+', { defaultValue: -1 }),
          ]),
          '0+',
        ),
      ]),
      '0+',
    ),
    field('throttleTimeMs', 'int32', '1+'),
  ],
};
