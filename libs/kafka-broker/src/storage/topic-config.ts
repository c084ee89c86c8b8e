import { ErrorCode } from '../protocol/error-codes';

/** Longest topic name Kafka allows (so `<topic>-<partition>` stays a valid file name). */
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Effective size and retention settings of a topic. */
export interface TopicConfig {
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  maxMessageBytes: number;
}

/** A failed topic check, in the shape the CreateTopics response needs. */
export interface TopicError {
  ok: false;
  errorCode: number;
  message: string;
}

/**
 * Checks a topic name like Kafka: 1 to 249 characters of ASCII letters, digits, '.', '_' and '-',
 * and neither "." nor "..".
 *
 * @returns the reason the name is invalid, or null when it is valid.
 */
export function validateTopicName(name: string): string | null {
  if (name.length === 0) return 'Topic name is illegal, it can not be empty';
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can not be longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
  }
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

/** Kafka treats '.' and '_' as the same in metric names, so topics differing only there collide. */
export function topicCollisionKey(name: string): string {
  return name.replace(/\./g, '_');
}

type ConfigRule = (value: string) => string | null;

function integerIn(min: number, max: number): ConfigRule {
  return (value) => {
    const n = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
    if (!Number.isSafeInteger(n)) return `must be an integer, got "${value}"`;
    if (n < min || n > max) return `must be between ${min} and ${max}, got ${n}`;
    return null;
  };
}

const MAX_INT32 = 0x7fffffff;

/** The topic configs this broker accepts at creation, with their validation rules. */
const TOPIC_CONFIG_RULES: Record<string, ConfigRule> = {
  'retention.ms': integerIn(-1, Number.MAX_SAFE_INTEGER),
  'retention.bytes': integerIn(-1, Number.MAX_SAFE_INTEGER),
  'segment.bytes': integerIn(14, MAX_INT32),
  'max.message.bytes': integerIn(0, MAX_INT32),
  'cleanup.policy': (value) =>
    value.trim() === 'delete' ? null : `only "delete" is supported, got "${value}"`,
  'min.insync.replicas': integerIn(1, 1),
};

/**
 * Validates topic config overrides: `retention.ms`, `retention.bytes`, `segment.bytes` and
 * `max.message.bytes` as integers, `cleanup.policy` only `delete`, `min.insync.replicas` only 1
 * (there is a single replica).
 *
 * @returns null when valid, else an INVALID_CONFIG error naming the config.
 */
export function validateTopicConfigs(configs: Record<string, string>): TopicError | null {
  for (const [name, value] of Object.entries(configs)) {
    const rule = Object.prototype.hasOwnProperty.call(TOPIC_CONFIG_RULES, name)
      ? TOPIC_CONFIG_RULES[name]
      : undefined;
    const problem = rule === undefined ? 'is not a supported topic config' : rule(value);
    if (problem !== null) {
      return {
        ok: false,
        errorCode: ErrorCode.INVALID_CONFIG,
        message: `Invalid config ${name}: ${problem}`,
      };
    }
  }
  return null;
}

/** Effective topic config: validated overrides on top of the broker defaults. */
export function effectiveTopicConfig(defaults: TopicConfig, overrides: Record<string, string>): TopicConfig {
  const pick = (key: string, fallback: number): number =>
    overrides[key] === undefined ? fallback : Number(overrides[key].trim());
  return {
    retentionMs: pick('retention.ms', defaults.retentionMs),
    retentionBytes: pick('retention.bytes', defaults.retentionBytes),
    segmentBytes: pick('segment.bytes', defaults.segmentBytes),
    maxMessageBytes: pick('max.message.bytes', defaults.maxMessageBytes),
  };
}
