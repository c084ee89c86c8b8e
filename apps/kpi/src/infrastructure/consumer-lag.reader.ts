import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { INVENTORY_TOPIC, ORDERS_TOPIC, RETURNS_TOPIC } from '@opsline/contracts';
import { KAFKA_CLIENT } from '@opsline/messaging';
import { withTimeout } from '@opsline/platform';
import { Admin, Kafka } from 'kafkajs';
import type { CommittedOffsets, HighWaterMarks } from '../domain/rebuild-progress';
import { LiveKpiTables } from './read-models/read-model-versions.repository';
import { RecentAnswers } from './recent-answers';

/** The topics the KPI read models are built from. */
export const KPI_SOURCE_TOPICS = [ORDERS_TOPIC, RETURNS_TOPIC, INVENTORY_TOPIC] as const;

const CACHE_MS = 1000;
/** A slow or absent broker must not hold up the KPI answer: its lag is then reported as null. */
const BROKER_TIMEOUT_MS = 1000;

/** Lag per topic from the offsets (high-water mark − committed) of each partition; null when unknown. */
export function lagOfTopic(
  highWaterMarks: readonly { partition: number; high: string }[],
  committed: readonly { partition: number; offset: string }[],
): number {
  const committedBy = new Map(committed.map((c) => [c.partition, Number(c.offset)]));
  return highWaterMarks.reduce((sum, { partition, high }) => {
    const offset = committedBy.get(partition) ?? -1;
    // -1: nothing committed yet, so everything up to the high-water mark is still to be applied.
    return sum + Math.max(0, Number(high) - Math.max(0, offset));
  }, 0);
}

/**
 * `freshness.lagByTopic` of `GET /kpis`: what the `opsline_consumer_lag` gauge measures (high-water
 * mark minus committed offset), asked of the broker when the answer is built rather than at the last
 * batch, so an idle consumer reports 0 and a stalled one its real backlog. Shared for a second,
 * and while it is asked again the previous answer is served (no request waits on the broker once
 * one answer is in; an unreachable broker gives `null` lags after a second).
 */
@Injectable()
export class ConsumerLagReader implements OnModuleDestroy {
  private readonly logger = new Logger('ConsumerLag');
  private admin: Admin | null = null;
  private readonly recent = new RecentAnswers<Record<string, number | null>>(CACHE_MS, 1);

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly live: LiveKpiTables,
  ) {}

  async lagByTopic(): Promise<Record<string, number | null>> {
    const answer = this.recent.get('lag', () => withTimeout(this.read(), BROKER_TIMEOUT_MS));
    return (await answer.catch(() => null))?.value ?? unknownLag();
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** High-water marks per partition of every source topic (a topic the broker does not know: none). */
  async highWaterMarks(): Promise<HighWaterMarks> {
    const admin = await this.connectedAdmin();
    const marks: Record<string, Record<string, number>> = {};
    for (const topic of KPI_SOURCE_TOPICS) {
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
      marks[topic] = Object.fromEntries(
        offsets.map(({ partition, high }) => [String(partition), Number(high)]),
      );
    }
    return marks;
  }

  /** Committed offsets of `groupId` on every source topic (-1 where nothing is committed). */
  async committedOffsets(groupId: string): Promise<CommittedOffsets> {
    const admin = await this.connectedAdmin();
    const committed = await admin.fetchOffsets({ groupId, topics: [...KPI_SOURCE_TOPICS] });
    return Object.fromEntries(
      committed.map(({ topic, partitions }) => [
        topic,
        Object.fromEntries(partitions.map(({ partition, offset }) => [String(partition), Number(offset)])),
      ]),
    );
  }

  private async connectedAdmin(): Promise<Admin> {
    if (this.admin === null) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private async read(): Promise<Record<string, number | null>> {
    const result: Record<string, number | null> = {};
    try {
      const admin = await this.connectedAdmin();
      const committed = await admin.fetchOffsets({
        groupId: this.live.consumerGroup,
        topics: [...KPI_SOURCE_TOPICS],
      });
      for (const topic of KPI_SOURCE_TOPICS) {
        const high = await admin.fetchTopicOffsets(topic).catch(() => null);
        const partitions = committed.find((c) => c.topic === topic)?.partitions ?? [];
        result[topic] = high === null ? null : lagOfTopic(high, partitions);
      }
    } catch (error) {
      this.logger.warn({ msg: 'consumer lag unavailable', error: (error as Error).message });
      return unknownLag();
    }
    return result;
  }
}

function unknownLag(): Record<string, number | null> {
  return Object.fromEntries(KPI_SOURCE_TOPICS.map((topic) => [topic, null]));
}
