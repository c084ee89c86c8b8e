import { EventParser } from '../consumer/consumed-event';
import { RetryPolicy } from '../consumer/retry-policy';
import { DeadLetterReason } from '../consumer/dead-letter-publisher';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');

/** What a service tells the messaging module about itself. */
export interface MessagingModuleOptions {
  readonly serviceName: string;
  /** The service's PostgreSQL schema (holds outbox and inbox). */
  readonly schema: string;
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  /** Consumer group id (default `opsline-<serviceName>`). */
  readonly consumerGroup?: string;
  /** The topic each handled event type arrives on. */
  readonly topicOfEventType: (eventType: string) => string;
  /** The shared CloudEvents validator (libs/contracts). */
  readonly parse: EventParser;
  readonly retry?: RetryPolicy;
  readonly consumerMaxWaitTimeMs?: number;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** How long shutdown may spend draining the outbox (default 5000 ms). */
  readonly outboxDrainTimeoutMs?: number;
  readonly metrics?: {
    onLag?: (topic: string, partition: number, lag: number) => void;
    onOutboxBacklog?: (pending: number) => void;
    onDeadLetter?: (topic: string, reason: DeadLetterReason) => void;
  };
}
