export { startBroker, DEFAULT_BROKER_CONFIG } from './server/broker';
export type { BrokerOptions, RunningBroker } from './server/broker';
export type { BrokerConfig, FsyncPolicy } from './server/broker-context';
export type { BrokerLogger } from './server/logger';
export { jsonLogger, silentLogger } from './server/logger';
export { SUPPORTED_APIS } from './protocol/messages';
