import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { ErrorCode } from '../protocol/error-codes';
import { fsyncDirectory } from './fs-util';
import { LogConfig } from './log-config';
import { PartitionLog } from './partition-log';
import {
  TopicConfig,
  TopicError,
  effectiveTopicConfig,
  topicCollisionKey,
  validateTopicConfigs,
  validateTopicName,
} from './topic-config';
import { StoredTopic, readTopicsFile, writeTopicsFile } from './topic-store';

export type { TopicConfig } from './topic-config';
export { validateTopicName } from './topic-config';

/** Broker-wide defaults for new topics and their logs. */
export interface TopicDefaults {
  numPartitions: number;
  segmentBytes: number;
  retentionBytes: number;
  retentionMs: number;
  indexIntervalBytes: number;
  maxMessageBytes: number;
}

/** A topic and its open partition logs (index = partition number). */
export interface TopicState {
  name: string;
  /** Random UUID in its canonical string form (convert to 16 bytes on the wire). */
  topicId: string;
  partitions: PartitionLog[];
  config: TopicConfig;
  /** Config overrides given at creation, e.g. for DescribeConfigs. */
  configOverrides: Readonly<Record<string, string>>;
}

/** Outcome of {@link LogManager.createTopic}. */
export type CreateTopicResult = { ok: true; topic: TopicState } | TopicError;

/** Upper bound on partitions per topic, to keep a typo from opening millions of files. */
export const MAX_PARTITIONS = 10_000;

/**
 * The topics stored under a data directory: metadata in `<dataDir>/meta/topics.json` (replaced
 * atomically) and one {@link PartitionLog} per partition in `<dataDir>/logs/<topic>-<partition>/`.
 */
export class LogManager {
  private readonly topics = new Map<string, TopicState>();

  private constructor(
    private readonly dataDir: string,
    private readonly defaults: TopicDefaults,
  ) {}

  private get metaFile(): string {
    return path.join(this.dataDir, 'meta', 'topics.json');
  }

  private get logsDir(): string {
    return path.join(this.dataDir, 'logs');
  }

  /**
   * Opens the data directory (creating it if needed) and every topic's partition logs, recovering
   * their active segments. Partition directories of no known topic (left by a crash in the middle
   * of creating or deleting a topic) are removed when topic metadata exists.
   */
  static open(dataDir: string, defaults: TopicDefaults): LogManager {
    const manager = new LogManager(dataDir, defaults);
    fs.mkdirSync(path.dirname(manager.metaFile), { recursive: true });
    fs.mkdirSync(manager.logsDir, { recursive: true });
    fsyncDirectory(dataDir);
    const stored = readTopicsFile(manager.metaFile);
    try {
      for (const topic of stored ?? []) manager.openTopic(topic);
    } catch (err) {
      manager.close();
      throw err;
    }
    if (stored !== undefined) manager.removeOrphanDirs();
    return manager;
  }

  private openTopic(stored: StoredTopic): TopicState {
    const config = effectiveTopicConfig(this.defaults, stored.configs);
    const partitions: PartitionLog[] = [];
    const state: TopicState = {
      name: stored.name,
      topicId: stored.topicId,
      partitions,
      config,
      configOverrides: { ...stored.configs },
    };
    this.topics.set(stored.name, state);
    for (let p = 0; p < stored.numPartitions; p++) {
      partitions.push(PartitionLog.open(this.partitionDir(stored.name, p), this.logConfig(config)));
    }
    return state;
  }

  private logConfig(config: TopicConfig): LogConfig {
    const { segmentBytes, retentionBytes, retentionMs } = config;
    return {
      segmentBytes,
      retentionBytes,
      retentionMs,
      indexIntervalBytes: this.defaults.indexIntervalBytes,
    };
  }

  private partitionDir(topic: string, partition: number): string {
    return path.join(this.logsDir, `${topic}-${partition}`);
  }

  private removeOrphanDirs(): void {
    const expected = new Set<string>();
    for (const topic of this.topics.values()) {
      topic.partitions.forEach((_, p) => expected.add(`${topic.name}-${p}`));
    }
    for (const name of fs.readdirSync(this.logsDir)) {
      if (!expected.has(name)) fs.rmSync(path.join(this.logsDir, name), { recursive: true, force: true });
    }
  }

  /**
   * Checks a CreateTopics entry without creating anything (also usable for `validateOnly`).
   * `numPartitions` undefined or -1 means the broker default.
   *
   * @returns null when the topic can be created, else the Kafka error and a message.
   */
  checkNewTopic(
    name: string,
    numPartitions: number | undefined,
    configs: Record<string, string>,
  ): TopicError | null {
    const invalidName = validateTopicName(name);
    if (invalidName !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, invalidName);
    if (this.topics.has(name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    const key = topicCollisionKey(name);
    const collision = [...this.topics.keys()].find((t) => topicCollisionKey(t) === key);
    if (collision !== undefined) {
      return fail(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `Topic '${name}' collides with existing topic '${collision}'`,
      );
    }
    const partitions = this.partitionCount(numPartitions);
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
      return fail(
        ErrorCode.INVALID_PARTITIONS,
        `Number of partitions must be between 1 and ${MAX_PARTITIONS}.`,
      );
    }
    return validateTopicConfigs(configs);
  }

  private partitionCount(numPartitions: number | undefined): number {
    return numPartitions === undefined || numPartitions === -1 ? this.defaults.numPartitions : numPartitions;
  }

  /**
   * Creates a topic with empty partition logs and persists its metadata before returning.
   * Validation failures are returned (see {@link checkNewTopic}); I/O failures are thrown.
   */
  createTopic(
    name: string,
    numPartitions: number | undefined,
    configs: Record<string, string>,
  ): CreateTopicResult {
    const problem = this.checkNewTopic(name, numPartitions, configs);
    if (problem !== null) return problem;
    const stored: StoredTopic = {
      name,
      topicId: randomUUID(),
      numPartitions: this.partitionCount(numPartitions),
      configs: { ...configs },
    };
    for (let p = 0; p < stored.numPartitions; p++) {
      fs.rmSync(this.partitionDir(name, p), { recursive: true, force: true });
    }
    try {
      const topic = this.openTopic(stored);
      fsyncDirectory(this.logsDir);
      this.persist();
      return { ok: true, topic };
    } catch (err) {
      this.topics.get(name)?.partitions.forEach((log) => log.destroy());
      this.topics.delete(name);
      throw err;
    }
  }

  /**
   * Deletes a topic: its metadata first (durably), then its partition directories.
   *
   * @returns false when the topic does not exist.
   */
  deleteTopic(name: string): boolean {
    const topic = this.topics.get(name);
    if (topic === undefined) return false;
    this.persist(name);
    this.topics.delete(name);
    topic.partitions.forEach((log) => log.destroy());
    return true;
  }

  /** The topic with this name, if it exists. */
  getTopic(name: string): TopicState | undefined {
    return this.topics.get(name);
  }

  /** All topics, sorted by name. */
  listTopics(): TopicState[] {
    return [...this.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Fsyncs every partition's active segment that has unflushed writes. */
  flushAll(): void {
    this.forEachLog((log) => log.flush());
  }

  /**
   * Applies retention to every partition.
   *
   * @returns the total number of segments deleted.
   */
  deleteExpiredSegments(nowMs: number): number {
    let deleted = 0;
    this.forEachLog((log) => (deleted += log.deleteExpiredSegments(nowMs)));
    return deleted;
  }

  /** Flushes and closes every partition log. */
  close(): void {
    this.forEachLog((log) => log.close());
  }

  private forEachLog(action: (log: PartitionLog) => void): void {
    for (const topic of this.topics.values()) topic.partitions.forEach(action);
  }

  private persist(without?: string): void {
    const kept = [...this.topics.values()].filter((t) => t.name !== without);
    const stored = kept.map((t): StoredTopic => ({
      name: t.name,
      topicId: t.topicId,
      numPartitions: t.partitions.length,
      configs: { ...t.configOverrides },
    }));
    writeTopicsFile(this.metaFile, stored);
  }
}

function fail(errorCode: number, message: string): TopicError {
  return { ok: false, errorCode, message };
}
