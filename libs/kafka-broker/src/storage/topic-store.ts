import * as fs from 'fs';
import * as path from 'path';

import { fsyncDirectory, unlinkIfExists, writeFully } from './fs-util';

/** Persisted metadata of one topic. */
export interface StoredTopic {
  name: string;
  topicId: string;
  numPartitions: number;
  /** Config overrides as given at creation. */
  configs: Record<string, string>;
}

const FORMAT_VERSION = 1;

/**
 * Reads the topic metadata file.
 *
 * @returns the topics, or undefined when the file does not exist (a fresh data directory).
 * @throws when the file exists but is not valid metadata; the broker must not start on a guess.
 */
export function readTopicsFile(file: string): StoredTopic[] | undefined {
  unlinkIfExists(tempPath(file));
  if (!fs.existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!isRecord(parsed) || parsed.version !== FORMAT_VERSION || !Array.isArray(parsed.topics)) {
    throw new Error(`${file} is not a version ${FORMAT_VERSION} topic metadata file`);
  }
  return parsed.topics.map((entry: unknown) => {
    if (!isStoredTopic(entry)) {
      throw new Error(`${file} has a malformed topic entry: ${JSON.stringify(entry)}`);
    }
    return entry;
  });
}

/** Replaces the topic metadata file atomically and durably: temp file, fsync, rename, fsync dir. */
export function writeTopicsFile(file: string, topics: StoredTopic[]): void {
  const temp = tempPath(file);
  const data = Buffer.from(JSON.stringify({ version: FORMAT_VERSION, topics }, null, 2) + '\n');
  const fd = fs.openSync(temp, 'w');
  try {
    writeFully(fd, data, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  fsyncDirectory(path.dirname(file));
}

function tempPath(file: string): string {
  return `${file}.tmp`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStoredTopic(value: unknown): value is StoredTopic {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.topicId === 'string' &&
    Number.isInteger(value.numPartitions) &&
    isRecord(value.configs) &&
    Object.values(value.configs).every((v) => typeof v === 'string')
  );
}
