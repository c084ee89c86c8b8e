import { MigrationInterface, QueryRunner } from 'typeorm';
import { KpiTables } from '../kpi-tables';
import { inEveryVersion, versionSchemas } from './every-version';

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
