import { Inject, Injectable } from '@nestjs/common';
import {
  INVENTORY_POSITION_CHANGED_V1,
  INVENTORY_STOCK_COUNTED_V1,
  parseCloudEventBytes,
} from '@opsline/contracts';
import { KAFKA_CLIENT } from '@opsline/messaging';
import { randomUUID } from 'node:crypto';
import { Consumer, Kafka } from 'kafkajs';
import { applyDomainEvent, InMemoryFactStore } from '../../domain/in-memory-fact-store';
import type { HighWaterMarks } from '../../domain/rebuild-progress';
import { KPI_ORDER_EVENT_TYPES, KPI_RETURN_EVENT_TYPES } from '../kpi-fact.handlers';

/** The event types the read models' consumer applies; the replay ignores the others as it does. */
const APPLIED_TYPES: ReadonlySet<string> = new Set<string>([
  ...KPI_ORDER_EVENT_TYPES,
  ...KPI_RETURN_EVENT_TYPES,
  INVENTORY_STOCK_COUNTED_V1,
  INVENTORY_POSITION_CHANGED_V1,
]);

/** A replay that cannot cover what the read model applied (messages deleted, broker too slow, shutdown). */
export class ReplayIncompleteError extends Error {}

/** What one replay read. */
export interface ReplayStats {
  readonly messagesRead: number;
  /** Events applied to the store (valid, of an applied type, first copy of their id). */
  readonly eventsApplied: number;
  /** Messages the consumer dead-letters as invalid; they are skipped here too. */
  readonly invalidMessages: number;
}

/** Ends (exclusive) per partition that are past the start: what must be read. */
function pendingPartitions(ends: HighWaterMarks): Map<string, number> {
  const pending = new Map<string, number>();
  for (const [topic, partitions] of Object.entries(ends))
    for (const [partition, end] of Object.entries(partitions))
      if (end > 0) pending.set(`${topic}/${partition}`, end);
  return pending;
}

/**
 * Reads the KPI source topics from offset 0 up to given offsets and applies their events to an
 * in-memory fact store the way the read models' consumer does (same validation, same types, one
 * effect per event id). It reads with a throw-away consumer group of its own (never the read
 * models' group, whose committed offsets it must not move), commits nothing, and deletes the group
 * afterwards.
 */
@Injectable()
export class TopicReplayReader {
  constructor(@Inject(KAFKA_CLIENT) private readonly kafka: Kafka) {}

  async replay(
    ends: HighWaterMarks,
    store: InMemoryFactStore,
    options: { timeoutMs: number; stopped: () => boolean },
  ): Promise<ReplayStats> {
    const pending = pendingPartitions(ends);
    if (pending.size === 0) return { messagesRead: 0, eventsApplied: 0, invalidMessages: 0 };
    await this.assertNothingDeleted(ends);
    const groupId = `kpi-reconciliation-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    const seen = new Set<string>();
    const stats = { messagesRead: 0, eventsApplied: 0, invalidMessages: 0 };
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: Object.keys(ends), fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(
          () => reject(new ReplayIncompleteError(`topics not read within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
        const finish = (error?: Error): void => {
          clearTimeout(deadline);
          if (error === undefined) resolve();
          else reject(error);
        };
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              if (options.stopped()) return finish(new ReplayIncompleteError('service shutting down'));
              const key = `${batch.topic}/${batch.partition}`;
              const end = pending.get(key);
              if (end === undefined) return;
              for (const message of batch.messages) {
                if (Number(message.offset) >= end) break;
                stats.messagesRead++;
                this.apply(message.value, store, seen, stats);
                if (Number(message.offset) + 1 >= end) pending.delete(key);
              }
              if (pending.size === 0) finish();
            },
          })
          .catch((error: Error) => finish(error));
      });
    } finally {
      await this.dispose(consumer, groupId);
    }
    return stats;
  }

  private apply(
    value: Buffer | null,
    store: InMemoryFactStore,
    seen: Set<string>,
    stats: { eventsApplied: number; invalidMessages: number },
  ): void {
    const parsed = value === null ? null : parseCloudEventBytes(value);
    if (parsed === null || !parsed.ok) {
      stats.invalidMessages++;
      return;
    }
    const { event } = parsed;
    if (!APPLIED_TYPES.has(event.type) || seen.has(event.id)) return;
    seen.add(event.id);
    applyDomainEvent(store, event);
    stats.eventsApplied++;
  }

  /** Messages the read model applied but that retention has deleted cannot be replayed. */
  private async assertNothingDeleted(ends: HighWaterMarks): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const [topic, partitions] of Object.entries(ends)) {
        const offsets = await admin.fetchTopicOffsets(topic);
        for (const { partition, low } of offsets)
          if (Number(low) > 0 && (partitions[String(partition)] ?? 0) > 0)
            throw new ReplayIncompleteError(
              `${topic} partition ${partition} starts at offset ${low}: older messages were deleted`,
            );
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async dispose(consumer: Consumer, groupId: string): Promise<void> {
    await consumer.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]))
      .catch(() => undefined)
      .finally(() => admin.disconnect().catch(() => undefined));
  }
}
