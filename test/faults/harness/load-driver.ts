import { Producer } from 'kafkajs';
import { ScenarioEvent } from '../../../apps/kpi/test/oracle/scenario';
import { FaultSystem, sleep, waitUntil } from './fault-system';

/** How a slice of the scenario is sent. */
export interface SendOptions {
  /** Events per second (steady: one batch every batchSize / rate seconds). */
  readonly ratePerSecond: number;
  /** Events per produce request (default 10). */
  readonly batchSize?: number;
  /** Sends every batch twice (a producer retry after a lost acknowledgement, at its worst). */
  readonly twice?: boolean;
  /** Gives up when one batch stays unacknowledged this long (default 90 s). */
  readonly batchDeadlineMs?: number;
}

/**
 * Produces scenario events to their ingest topics, keyed by subject, with acks=all, at a steady rate,
 * and records every event the broker acknowledged. A batch that fails (broker down, stopped,
 * restarting) is sent again until acknowledged, so an event may reach the topic more than once —
 * which the services must absorb — but only acknowledged events enter the expected KPIs.
 */
export class LoadDriver {
  /** Acknowledged events, in acknowledgement order (a resent batch appears once per acknowledgement). */
  readonly acknowledged: ScenarioEvent[] = [];
  private producer: Producer | null = null;
  private sentTwice = 0;

  constructor(private readonly system: FaultSystem) {}

  /** Events acknowledged so far, counting each event id once. */
  get uniqueAcknowledged(): number {
    return new Set(this.acknowledged.map((item) => item.event.id)).size;
  }

  /** Events whose batch was resent or deliberately sent twice. */
  get duplicatesSent(): number {
    return this.sentTwice;
  }

  async send(events: readonly ScenarioEvent[], options: SendOptions): Promise<void> {
    const batchSize = options.batchSize ?? 10;
    const intervalMs = (1000 * batchSize) / options.ratePerSecond;
    for (let i = 0; i < events.length; i += batchSize) {
      const started = Date.now();
      const batch = events.slice(i, i + batchSize);
      await this.sendUntilAcknowledged(batch, options.batchDeadlineMs ?? 90_000);
      if (options.twice) {
        await this.sendUntilAcknowledged(batch, options.batchDeadlineMs ?? 90_000);
        this.sentTwice += batch.length;
      }
      const wait = intervalMs - (Date.now() - started);
      if (wait > 0) await sleep(wait);
    }
  }

  /** Resolves once at least `count` unique events are acknowledged (used to time a fault mid-stream). */
  async waitForAcknowledged(count: number, timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      `${count} acknowledged events`,
      () => (this.uniqueAcknowledged >= count ? true : undefined),
      timeoutMs,
      20,
    );
  }

  /** Produces raw records (a poison message) to a topic with acks=all. */
  async sendRaw(topic: string, key: string, value: string): Promise<void> {
    const producer = await this.connected();
    await producer.send({ topic, acks: -1, messages: [{ key, value }] });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = null;
  }

  private async connected(): Promise<Producer> {
    if (this.producer === null) {
      const producer = this.system
        .kafka('opsline-faults-load')
        .producer({ allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 200 } });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async sendUntilAcknowledged(batch: readonly ScenarioEvent[], deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    let failures = 0;
    for (;;) {
      try {
        const producer = await this.connected();
        await producer.sendBatch({
          acks: -1,
          timeout: 10_000,
          topicMessages: batch.map(({ topic, event }) => ({
            topic,
            messages: [{ key: event.subject, value: JSON.stringify(event) }],
          })),
        });
        this.acknowledged.push(...batch);
        if (failures > 0) this.sentTwice += batch.length;
        return;
      } catch (error) {
        failures++;
        if (Date.now() > deadline)
          throw new Error(`a batch stayed unacknowledged for ${deadlineMs} ms: ${(error as Error).message}`);
        // a producer that lost its broker is rebuilt rather than trusted to recover
        await this.close();
        await sleep(Math.min(2000, 200 * failures));
      }
    }
  }
}
