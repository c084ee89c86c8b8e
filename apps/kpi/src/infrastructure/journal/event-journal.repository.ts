import type { ConsumedEvent, ConsumedRecordPosition } from '@opsline/messaging';
import type { EntityManager } from 'typeorm';
import type { JournalEntry } from '../../domain/as-of';

/** How many journal rows one read brings back (the replay streams the slice in pages of this size). */
export const JOURNAL_PAGE_SIZE = 5_000;

interface JournalRow {
  event_id: string;
  type: string;
  subject: string;
  known_since: Date;
  topic: string;
  partition: number;
  offset: string | null;
  data: unknown;
}

/** Writes and reads the event journal of one read-model version (`table` is qualified). */
export class EventJournalRepository {
  constructor(private readonly table: string) {}

  /**
   * Appends a run of applied events in the consumer's transaction: one multi-row statement. Each
   * event id comes once: the handlers only see events the inbox claimed in the same transaction.
   * `records` (offset and Kafka timestamp per event) come from the batch consumer; without them (a
   * direct call) the offset is unknown and known-since is now.
   */
  async append(
    manager: EntityManager,
    topic: string,
    partition: number,
    events: readonly ConsumedEvent[],
    records: readonly ConsumedRecordPosition[] | undefined,
  ): Promise<void> {
    if (events.length === 0) return;
    // One JSON document for the run: a text[] of JSON payloads would have every quote escaped for the
    // array literal (by pg, in JS) and unescaped again by PostgreSQL.
    const rows = events.map((event, i) => ({
      id: event.id,
      type: event.type,
      subject: event.subject,
      time: event.time,
      knownMs: records?.[i]?.timestampMs ?? null,
      off: records?.[i]?.offset ?? null,
      data: event.data,
    }));
    await manager.query(
      `INSERT INTO ${this.table} (event_id, type, subject, business_time, known_since, topic, partition, "offset", data)
       SELECT e.id, e.type, e.subject, e.time,
         coalesce(timestamptz 'epoch' + e."knownMs" * interval '1 millisecond', now()), $2, $3, e.off, e.data
       FROM json_to_recordset($1::json)
         AS e(id text, type text, subject text, time timestamptz, "knownMs" bigint, off bigint, data json)`,
      [JSON.stringify(rows), topic, partition],
    );
  }

  /** How many events were known at `asOf` (checked against the replay limit before reading them). */
  async countKnownAt(manager: EntityManager, asOf: string): Promise<number> {
    const rows: { n: string }[] = await manager.query(
      `SELECT count(*) AS n FROM ${this.table} WHERE known_since <= $1`,
      [asOf],
    );
    return Number(rows[0].n);
  }

  /**
   * The events known at `asOf`, in log order (topic, partition, offset): per aggregate the order its
   * service decided them in, which is all the projections need. Streamed through a server-side
   * cursor in pages (one sort, and never more than a page of raw rows in memory besides the facts
   * built from them); `manager` must be in a transaction, which the cursor lives in.
   */
  async *knownAt(manager: EntityManager, asOf: string): AsyncGenerator<JournalEntry[]> {
    await manager.query(
      `DECLARE kpi_journal_replay NO SCROLL CURSOR FOR
       SELECT event_id, type, subject, known_since, topic, partition, "offset"::text AS "offset", data
       FROM ${this.table} WHERE known_since <= $1
       ORDER BY topic, partition, "offset" NULLS LAST, known_since, event_id`,
      [asOf],
    );
    try {
      for (;;) {
        const rows: JournalRow[] = await manager.query(`FETCH ${JOURNAL_PAGE_SIZE} FROM kpi_journal_replay`);
        if (rows.length > 0) yield rows.map(toEntry);
        if (rows.length < JOURNAL_PAGE_SIZE) return;
      }
    } finally {
      await manager.query(`CLOSE kpi_journal_replay`);
    }
  }
}

function toEntry(row: JournalRow): JournalEntry {
  return {
    id: row.event_id,
    type: row.type,
    subject: row.subject,
    knownSince: row.known_since.toISOString(),
    topic: row.topic,
    partition: row.partition,
    offset: row.offset,
    data: row.data,
  };
}
