import { GroupCoordinator } from '../group/group-coordinator';
import { LogManager } from '../storage/log-manager';
import { BrokerLogger } from './logger';
import { FetchWaiters } from './fetch-waiters';

/** How the broker writes to disk before it acknowledges; see the README's durability section. */
export type FsyncPolicy = 'always' | 'interval' | 'never';

/** The broker's settings after defaults are applied. */
export interface BrokerConfig {
  readonly host: string;
  readonly port: number;
  readonly advertisedHost: string;
  readonly dataDir: string;
  readonly nodeId: number;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly fsync: FsyncPolicy;
  readonly flushIntervalMs: number;
  readonly retentionMs: number;
  readonly retentionBytes: number;
  readonly retentionCheckIntervalMs: number;
  readonly segmentBytes: number;
  readonly maxMessageBytes: number;
  readonly maxRequestBytes: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
}

/** What request handlers share: the logs, the group coordinator, the fetch waiters and the node's identity. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  /** The port actually bound (differs from config.port when that is 0). */
  readonly port: number;
  readonly clusterId: string;
  readonly logs: LogManager;
  readonly groups: GroupCoordinator;
  readonly fetchWaiters: FetchWaiters;
  readonly logger: BrokerLogger;
}

/** Per-request facts about the caller. */
export interface RequestContext {
  readonly clientId: string;
  readonly clientHost: string;
}
