import { InjectionToken } from '@nestjs/common';
import { ConsumedEvent, EventParser } from '../consumer/consumed-event';
import { RetryPolicy } from '../consumer/retry-policy';
import { DeadLetterReason } from '../consumer/dead-letter-publisher';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export const MESSAGING_METRICS = Symbol('MESSAGING_METRICS');

/** Where the messaging classes report consumer lag, outbox backlog and dead letters. */
export interface MessagingMetrics {
  onLag?: (topic: string, partition: number, lag: number) => void;
  onOutboxBacklog?: (pending: number) => void;
  onDeadLetter?: (topic: string, reason: DeadLetterReason) => void;
}

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
  /**
   * Runs each handler call inside a context of the caller's choosing (the platform enters the
   * event's correlation id, so the handler's log lines carry it).
   */
  readonly handlerScope?: (event: ConsumedEvent, run: () => Promise<void>) => Promise<void>;
  /** How long shutdown may spend draining the outbox (default 5000 ms). */
  readonly outboxDrainTimeoutMs?: number;
  /** Builds the metrics sink from other providers (e.g. the platform's Prometheus instruments). */
  readonly metrics?: {
    inject: InjectionToken[];
    useFactory: (...deps: never[]) => MessagingMetrics;
  };
}
