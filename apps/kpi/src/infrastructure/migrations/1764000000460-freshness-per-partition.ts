import { MigrationInterface, QueryRunner } from 'typeorm';
import { KPI_SCHEMA, KpiTables } from '../kpi-tables';

/**
 * `topic_freshness` keyed by (topic, partition) instead of topic: the partitions of a topic are
 * applied concurrently, and with one row per topic every transaction waited on that row's lock until
 * the one before it had committed. Rows from before keep partition -1; `GET /kpis` reads the
 * maximum over all rows either way. A rebuild creates its version with these statements after the
 * fact tables' own.
 */
export function freshnessPerPartitionUpSql(schema: string): string[] {
  const table = new KpiTables(schema).topicFreshness;
  return [
    `ALTER TABLE ${table} ADD COLUMN partition integer NOT NULL DEFAULT -1`,
    `ALTER TABLE ${table} DROP CONSTRAINT topic_freshness_pkey`,
    `ALTER TABLE ${table} ADD PRIMARY KEY (topic, partition)`,
    `ALTER TABLE ${table} ALTER COLUMN partition DROP DEFAULT`,
  ];
}

/** Every version's schema that still has its tables (the live one, one being built, the kept previous one). */
async function versionSchemas(queryRunner: QueryRunner): Promise<string[]> {
  const rows = (await queryRunner.query(
    `SELECT schema_name FROM "${KPI_SCHEMA}".read_model_versions
     WHERE to_regclass(quote_ident(schema_name) || '.topic_freshness') IS NOT NULL
     ORDER BY version`,
  )) as { schema_name: string }[];
  return rows.map((row) => row.schema_name);
}

/** Runs the statements `sqlOf` gives for each version's schema (migrations that change every version). */
export async function inEveryVersion(
  queryRunner: QueryRunner,
  sqlOf: (schema: string) => readonly string[],
): Promise<void> {
  for (const schema of await versionSchemas(queryRunner))
    for (const statement of sqlOf(schema)) await queryRunner.query(statement);
}

export class FreshnessPerPartition1764000000460 implements MigrationInterface {
  name = 'FreshnessPerPartition1764000000460';

  async up(queryRunner: QueryRunner): Promise<void> {
    await inEveryVersion(queryRunner, freshnessPerPartitionUpSql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const schema of await versionSchemas(queryRunner)) {
      const table = new KpiTables(schema).topicFreshness;
      // Back to one row per topic: its newest time over the partitions.
      await queryRunner.query(
        `DELETE FROM ${table} t USING ${table} newer
         WHERE newer.topic = t.topic AND (newer.newest_event_time, newer.partition) > (t.newest_event_time, t.partition)`,
      );
      await queryRunner.query(`ALTER TABLE ${table} DROP CONSTRAINT topic_freshness_pkey`);
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN partition`);
      await queryRunner.query(`ALTER TABLE ${table} ADD PRIMARY KEY (topic)`);
    }
  }
}
