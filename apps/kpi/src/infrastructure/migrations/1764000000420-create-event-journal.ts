import { MigrationInterface, QueryRunner } from 'typeorm';
import { KPI_SCHEMA } from '../kpi-tables';

/** The journal table of `schema` (qualified), the same name `KpiTables.journal` gives. */
export const eventJournalTable = (schema: string): string => `"${schema}".event_journal`;

/**
 * `event_journal`: every domain event the read models applied, with where it was in the log and
 * since when it was known (`known_since`, the Kafka record timestamp). As-of answers replay it and
 * lineage names its event ids. Part of the versioned read model: a rebuild creates it in `kpi_v<N>`
 * beside the fact tables and refills it from the topics. No index, not even on the event id: it is
 * written only by handlers the inbox gates in the same transaction (an event id is journaled once per
 * version while its inbox row is kept; the replay skips a second copy), every read scans it in log order, and a primary key cost a quarter of the journal's
 * write time (measured). `data` is `json`, not `jsonb`: a syntax check, no conversion, read back whole.
 */
export function eventJournalUpSql(schema: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
    `CREATE TABLE ${eventJournalTable(schema)} (
      event_id text NOT NULL,
      type text NOT NULL,
      subject text NOT NULL,
      business_time timestamptz NOT NULL,
      known_since timestamptz NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      topic text NOT NULL,
      partition integer NOT NULL,
      "offset" bigint,
      data json NOT NULL
    )`,
  ];
}

export class CreateEventJournal1764000000420 implements MigrationInterface {
  name = 'CreateEventJournal1764000000420';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of eventJournalUpSql(KPI_SCHEMA)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${eventJournalTable(KPI_SCHEMA)}`);
  }
}
