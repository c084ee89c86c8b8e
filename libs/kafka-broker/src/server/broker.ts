import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { GroupCoordinator } from '../group/group-coordinator';
import { OffsetStore } from '../group/offset-store';
import { LogManager } from '../storage/log-manager';
import { BrokerConfig, BrokerContext } from './broker-context';
import { BrokerConnection } from './connection';
import { FetchWaiters } from './fetch-waiters';
import { BrokerLogger, jsonLogger } from './logger';
import { RequestRouter } from './request-router';

/** Options of `startBroker`; everything but `dataDir` has a default. */
export type BrokerOptions = Partial<BrokerConfig> & { dataDir: string; logger?: BrokerLogger };

export const DEFAULT_BROKER_CONFIG: Omit<BrokerConfig, 'dataDir'> = {
  host: '127.0.0.1',
  port: 9092,
  advertisedHost: '127.0.0.1',
  nodeId: 0,
  autoCreateTopics: true,
  defaultPartitions: 3,
  fsync: 'interval',
  flushIntervalMs: 1000,
  retentionMs: -1,
  retentionBytes: -1,
  retentionCheckIntervalMs: 60_000,
  segmentBytes: 128 * 1024 * 1024,
  maxMessageBytes: 1024 * 1024 + 12,
  maxRequestBytes: 100 * 1024 * 1024,
  groupInitialRebalanceDelayMs: 300,
  groupMinSessionTimeoutMs: 1000,
  groupMaxSessionTimeoutMs: 1_800_000,
};

/** A broker that is serving; `close()` stops it and flushes everything to disk. */
export interface RunningBroker {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the bootstrap address for clients. */
  readonly address: string;
  readonly config: BrokerConfig;
  close(): Promise<void>;
}

/** The cluster id is made once per data dir, so clients see the same cluster across restarts. */
function loadClusterId(dataDir: string): string {
  const path = join(dataDir, 'meta', 'cluster-id');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(join(dataDir, 'meta'), { recursive: true });
  const id = randomUUID().replace(/-/g, '').slice(0, 22);
  writeFileSync(path, id);
  return id;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts a Kafka-protocol broker on one node: the logs and committed offsets under `dataDir`
 * survive restarts and `kill -9`. Use port 0 for a free port (tests).
 */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const { logger = jsonLogger, ...overrides } = options;
  const config: BrokerConfig = { ...DEFAULT_BROKER_CONFIG, ...overrides };
  const logs = LogManager.open(config.dataDir, {
    numPartitions: config.defaultPartitions,
    segmentBytes: config.segmentBytes,
    retentionBytes: config.retentionBytes,
    retentionMs: config.retentionMs,
    indexIntervalBytes: 4096,
    maxMessageBytes: config.maxMessageBytes,
  });
  const groups = new GroupCoordinator({
    offsetStore: OffsetStore.open(join(config.dataDir, 'groups')),
    initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
    logger: (message) => logger.info(message),
  });
  const server = createServer();
  const port = await listen(server, config.host, config.port);
  const fetchWaiters = new FetchWaiters();
  const ctx: BrokerContext = {
    config,
    port,
    clusterId: loadClusterId(config.dataDir),
    logs,
    groups,
    fetchWaiters,
    logger,
  };
  const router = new RequestRouter(ctx);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    new BrokerConnection(socket, router, logger, config.maxRequestBytes);
    socket.on('close', () => sockets.delete(socket));
  });
  const timers = startMaintenance(ctx);
  logger.info('broker listening', { host: config.host, port, dataDir: config.dataDir, fsync: config.fsync });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearInterval(timer);
      fetchWaiters.completeAll();
      groups.close();
      for (const socket of sockets) socket.destroy();
      server.close(() => {
        logs.flushAll();
        groups.flush();
        logs.close();
        logger.info('broker stopped', { port });
        resolve();
      });
    }));
  const address = `${config.advertisedHost}:${port}`;
  return { host: config.advertisedHost, port, address, config, close };
}

/** Periodic fsync (policy "interval") and retention checks. */
function startMaintenance(ctx: BrokerContext): NodeJS.Timeout[] {
  const timers: NodeJS.Timeout[] = [];
  if (ctx.config.fsync === 'interval') {
    timers.push(
      setInterval(() => {
        ctx.logs.flushAll();
        ctx.groups.flush();
      }, ctx.config.flushIntervalMs),
    );
  }
  // Topics may override retention even when the broker default keeps everything.
  timers.push(
    setInterval(() => ctx.logs.deleteExpiredSegments(Date.now()), ctx.config.retentionCheckIntervalMs),
  );
  for (const timer of timers) timer.unref();
  return timers;
}
