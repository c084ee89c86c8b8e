import { ErrorCode } from '../protocol/error-codes';
import { BrokerContext } from '../server/broker-context';
import { TopicState, validateTopicName } from '../storage/log-manager';

export type ResolvedTopic = { ok: true; topic: TopicState } | { ok: false; errorCode: number };

/**
 * Finds a topic, creating it with the broker's default partition count when auto-creation is on
 * (as Kafka's auto.create.topics.enable does on metadata and produce requests).
 */
export function resolveTopicForWrite(
  ctx: BrokerContext,
  name: string,
  allowAutoCreate: boolean,
): ResolvedTopic {
  const existing = ctx.logs.getTopic(name);
  if (existing !== undefined) return { ok: true, topic: existing };
  if (validateTopicName(name) !== null) return { ok: false, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION };
  if (!ctx.config.autoCreateTopics || !allowAutoCreate) {
    return { ok: false, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  }
  const created = ctx.logs.createTopic(name, ctx.config.defaultPartitions, {});
  if (!created.ok) return { ok: false, errorCode: created.errorCode };
  ctx.logger.info('auto-created topic', { topic: name, partitions: ctx.config.defaultPartitions });
  return { ok: true, topic: created.topic };
}
