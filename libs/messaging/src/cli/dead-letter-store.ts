import { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { DeadLetterHeader, deadLetterTopicOf, originalHeaders } from '../consumer/dead-letter-publisher';

/** One record of a dead-letter topic, with its headers decoded. */
export interface DeadLetterRecord {
  readonly dlqTopic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly reason: string;
  readonly error: string;
  readonly eventId: string | null;
  readonly eventType: string | null;
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name,
      Buffer.isBuffer(value) ? value.toString() : String(value),
    ]),
  );
}

/** id and type of the CloudEvent in a record value, when it is readable JSON. */
function eventIdentity(value: Buffer | null): { id: string | null; type: string | null } {
  try {
    const parsed: unknown = JSON.parse(value?.toString() ?? '');
    if (parsed !== null && typeof parsed === 'object') {
      const { id, type } = parsed as { id?: unknown; type?: unknown };
      return { id: typeof id === 'string' ? id : null, type: typeof type === 'string' ? type : null };
    }
  } catch {
    // Unparseable values are a common reason to be here; they simply have no identity.
  }
  return { id: null, type: null };
}

function toRecord(dlqTopic: string, partition: number, message: KafkaMessage): DeadLetterRecord {
  const headers = headerText(message.headers);
  const identity = eventIdentity(message.value);
  return {
    dlqTopic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value,
    headers,
    sourceTopic: headers[DeadLetterHeader.sourceTopic] ?? '',
    sourcePartition: Number(headers[DeadLetterHeader.sourcePartition] ?? -1),
    sourceOffset: headers[DeadLetterHeader.sourceOffset] ?? '',
    reason: headers[DeadLetterHeader.reason] ?? '',
    error: headers[DeadLetterHeader.error] ?? '',
    eventId: identity.id,
    eventType: identity.type,
  };
}

/**
 * Reads and re-drives `<topic>.dlq`. Reading uses a throw-away consumer group that commits
 * nothing, from the beginning up to the end offsets seen at the start.
 */
export class DeadLetterStore {
  constructor(private readonly kafka: Kafka) {}

  async list(sourceTopic: string): Promise<DeadLetterRecord[]> {
    const dlqTopic = deadLetterTopicOf(sourceTopic);
    const admin = this.kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    if (!topics.includes(dlqTopic)) {
      await admin.disconnect();
      return [];
    }
    const ends = await admin.fetchTopicOffsets(dlqTopic);
    await admin.disconnect();
    const remaining = new Map(ends.filter((p) => p.high !== p.low).map((p) => [p.partition, BigInt(p.high)]));
    if (remaining.size === 0) return [];
    return this.readUntil(dlqTopic, remaining);
  }

  private async readUntil(dlqTopic: string, ends: Map<number, bigint>): Promise<DeadLetterRecord[]> {
    const consumer = this.kafka.consumer({
      groupId: `opsline-dlq-reader-${process.pid}-${Date.now()}`,
      maxWaitTimeInMs: 200,
    });
    const records: DeadLetterRecord[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const end = ends.get(partition);
          if (end === undefined || BigInt(message.offset) >= end) return;
          records.push(toRecord(dlqTopic, partition, message));
          if (BigInt(message.offset) === end - 1n) ends.delete(partition);
          if (ends.size === 0) resolve();
        },
      });
    });
    await consumer.disconnect();
    return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  }

  /** Sends records back to their source topic with their original key, value and headers. */
  async replay(records: readonly DeadLetterRecord[]): Promise<number> {
    const producer = this.kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
    for (const record of records) {
      await producer.send({
        topic: record.sourceTopic,
        acks: -1,
        messages: [
          {
            key: record.key,
            value: record.value,
            headers: {
              ...originalHeaders(record.headers),
              'opsline-replayed-from': `${record.dlqTopic}:${record.partition}:${record.offset}`,
            },
          },
        ],
      });
    }
    await producer.disconnect();
    return records.length;
  }
}
