export { DEFAULT_INDEX_INTERVAL_BYTES } from './log-config';
export type { LogConfig } from './log-config';
export { PartitionLog } from './partition-log';
export type { AppendResult, OffsetAndTimestamp } from './partition-log';
export { LogManager, MAX_PARTITIONS, validateTopicName } from './log-manager';
export type { CreateTopicResult, TopicConfig, TopicDefaults, TopicState } from './log-manager';
export { validateTopicConfigs } from './topic-config';
export type { TopicError } from './topic-config';
