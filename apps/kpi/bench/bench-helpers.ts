/** What the phases of bench:kpi share: clocks, waits, percentiles, and a domain event as a Kafka message. */
import type { Message } from 'kafkajs';
import { eventHeaders } from '@opsline/messaging';
import type { TopicEvent } from '../src/domain/kpi.fixtures';

/** Events a transaction in the baseline, events a sendBatch when producing. */
export const BATCH = 500;
/** How long a wait of the bench may take before it gives up. */
const GIVE_UP_MS = 180_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
export const rate = (count: number, ms: number) => (1000 * count) / ms;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + GIVE_UP_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** As the services' outbox relays publish a domain event: keyed by subject, with its headers. */
export function messageOf({ event }: TopicEvent): Message {
  return { key: event.subject, value: Buffer.from(JSON.stringify(event)), headers: eventHeaders(event.type) };
}
