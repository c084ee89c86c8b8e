import { EntityManager } from 'typeorm';
import { eventHeaders } from '../event-headers';

/** A CloudEvent as it goes on the wire: the fields the relay needs are read from it. */
export interface OutgoingEvent {
  readonly id: string;
  readonly type: string;
  readonly subject: string;
  readonly [attribute: string]: unknown;
}

/** One event to publish after commit: to `topic`, keyed by the event's subject (its aggregate id). */
export interface OutboxEntry {
  readonly topic: string;
  readonly event: OutgoingEvent;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Writes outgoing events into the service's outbox table inside the caller's transaction, so that
 * the state change and its events commit (or roll back) together. The relay publishes them.
 */
export class Outbox {
  constructor(private readonly schema: string) {}

  async add(manager: EntityManager, entries: readonly OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const topics: string[] = [];
    const keys: string[] = [];
    const ids: string[] = [];
    const types: string[] = [];
    const payloads: Buffer[] = [];
    const headers: string[] = [];
    for (const { topic, event, headers: extra } of entries) {
      topics.push(topic);
      keys.push(event.subject);
      ids.push(event.id);
      types.push(event.type);
      payloads.push(Buffer.from(JSON.stringify(event)));
      headers.push(JSON.stringify({ ...eventHeaders(event.type), ...extra }));
    }
    await manager.query(
      `INSERT INTO "${this.schema}".outbox (topic, message_key, event_id, event_type, payload, headers)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::jsonb[])`,
      [topics, keys, ids, types, payloads, headers],
    );
  }
}
