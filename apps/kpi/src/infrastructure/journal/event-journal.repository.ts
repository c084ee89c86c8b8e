import type { ConsumedEvent, ConsumedRecordPosition } from '@opsline/messaging';
import { copyRowsInto, copyTextRow } from '@opsline/persistence';
import type { EntityManager } from 'typeorm';
import type { JournalEntry } from '../../domain/as-of';

/** How many journal rows one read brings back (the replay streams the slice in pages of this size). */
export const JOURNAL_PAGE_SIZE = 5_000;

const JOURNAL_COLUMNS = [
  'event_id',
  'type',
  'subject',
  'business_time',
  'known_since',
  'topic',
  'partition',
  '"offset"',
  'data',
];

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
   * Appends a run of applied events in the consumer's transaction, with one COPY. Each event id comes
   * once: the handlers only see events the inbox claimed in the same transaction. `records` (offset
   * and Kafka timestamp per event) come from the batch consumer; without them (a direct call) the
   * offset is unknown and known-since is `now` (PostgreSQL reads it as the transaction's start).
   */
  async append(
    manager: EntityManager,
    topic: string,
    partition: number,
    events: readonly ConsumedEvent[],
    records: readonly ConsumedRecordPosition[] | undefined,
  ): Promise<void> {
    if (events.length === 0) return;
    let rows = '';
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const record = records?.[i];
      rows += copyTextRow([
        event.id,
        event.type,
        event.subject,
        event.time,
        record === undefined ? 'now' : new Date(record.timestampMs).toISOString(),
        topic,
        partition,
        record?.offset ?? null,
        JSON.stringify(event.data),
      ]);
    }
    await copyRowsInto(manager, this.table, JOURNAL_COLUMNS, rows);
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
