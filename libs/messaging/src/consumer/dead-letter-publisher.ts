import { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { MessagingLogger } from '../messaging-logger';

/** Why an event was dead-lettered. */
export type DeadLetterReason = 'invalid-event' | 'handler-failed';

/** Header names on `<topic>.dlq` records; the original headers are kept beside them. */
export const DeadLetterHeader = {
  sourceTopic: 'opsline-dlq-source-topic',
  sourcePartition: 'opsline-dlq-source-partition',
  sourceOffset: 'opsline-dlq-source-offset',
  consumerGroup: 'opsline-dlq-consumer-group',
  reason: 'opsline-dlq-reason',
  error: 'opsline-dlq-error',
  attempts: 'opsline-dlq-attempts',
  failedAt: 'opsline-dlq-failed-at',
} as const;

const DLQ_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(DeadLetterHeader));

export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly consumerGroup: string;
  readonly reason: DeadLetterReason;
  /** What went wrong: validation errors (JSON) or the handler's error message. */
  readonly error: string;
  readonly attempts: number;
}

/** `opsline.ingest.orders` → `opsline.ingest.orders.dlq`. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** The record's original headers, without the dead-letter ones (for a replay). */
export function originalHeaders(headers: IHeaders | undefined): IHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !DLQ_HEADER_NAMES.has(name)));
}

/**
 * Sends an event that cannot be applied to `<topic>.dlq` with its original key, bytes and headers,
 * plus headers naming where it came from and why it failed, so an operator can inspect and replay it.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly logger: MessagingLogger,
    private readonly onDeadLetter?: (topic: string, reason: DeadLetterReason) => void,
  ) {}

  async publish(deadLetter: DeadLetter): Promise<void> {
    const { topic, partition, message, reason } = deadLetter;
    await this.producer.send({
      topic: deadLetterTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...originalHeaders(message.headers),
            [DeadLetterHeader.sourceTopic]: topic,
            [DeadLetterHeader.sourcePartition]: String(partition),
            [DeadLetterHeader.sourceOffset]: message.offset,
            [DeadLetterHeader.consumerGroup]: deadLetter.consumerGroup,
            [DeadLetterHeader.reason]: reason,
            [DeadLetterHeader.error]: deadLetter.error,
            [DeadLetterHeader.attempts]: String(deadLetter.attempts),
            [DeadLetterHeader.failedAt]: new Date().toISOString(),
          },
        },
      ],
    });
    this.onDeadLetter?.(topic, reason);
    this.logger.warn('event dead-lettered', {
      topic,
      partition,
      offset: message.offset,
      reason,
      error: deadLetter.error,
    });
  }
}
