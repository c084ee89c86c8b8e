import { arrayLiteral } from '@opsline/persistence';
import { EntityManager } from 'typeorm';

export interface InboxEntry {
  readonly eventId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Records, in the handler's transaction, which events a consumer group has applied. `claim`
 * returns the ids not seen before; the others were applied already (a redelivery or a duplicate
 * send) and must have no second effect. One statement per batch.
 */
export class Inbox {
  constructor(
    private readonly schema: string,
    private readonly consumerGroup: string,
  ) {}

  async claim(manager: EntityManager, entries: readonly InboxEntry[]): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const rows: { event_id: string }[] = await manager.query(
      `INSERT INTO "${this.schema}".inbox (consumer_group, event_id, topic, partition, "offset")
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        this.consumerGroup,
        arrayLiteral(entries.map((e) => e.eventId)),
        arrayLiteral(entries.map((e) => e.topic)),
        arrayLiteral(entries.map((e) => e.partition)),
        arrayLiteral(entries.map((e) => e.offset)),
      ],
    );
    return new Set(rows.map((row) => row.event_id));
  }
}

/**
 * Deletes at most `limit` of the oldest inbox rows of `schema` processed before `before` (every
 * consumer group's), oldest first through the `processed_at` index; returns how many. An event
 * redelivered after its row is gone is applied again, so the retention must outlast any
 * redelivery: uncommitted batches, producer retries, an outbox relay re-publishing after a crash.
 */
export async function pruneInbox(
  manager: EntityManager,
  schema: string,
  before: string,
  limit: number,
): Promise<number> {
  const rows: { n: number }[] = await manager.query(
    `WITH doomed AS (
       DELETE FROM "${schema}".inbox WHERE (consumer_group, event_id) IN (
         SELECT consumer_group, event_id FROM "${schema}".inbox
         WHERE processed_at < $1 ORDER BY processed_at LIMIT $2
       ) RETURNING 1
     )
     SELECT count(*)::int AS n FROM doomed`,
    [before, limit],
  );
  return rows[0].n;
}
