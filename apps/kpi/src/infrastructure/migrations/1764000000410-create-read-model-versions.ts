import { MigrationInterface, QueryRunner } from 'typeorm';
import { KPI_CONSUMER_GROUP, KPI_SCHEMA } from '../kpi-tables';

/**
 * `kpi.read_model_versions`: one row per version of the read models (a schema of fact tables and the
 * consumer group that fills it). Version 1 is the service's own schema; a rebuild adds `kpi_v<N>`.
 * At most one version is live and at most one is being built (partial unique indexes), so a second
 * rebuild request cannot slip in beside a running one.
 */
export class CreateReadModelVersions1764000000410 implements MigrationInterface {
  name = 'CreateReadModelVersions1764000000410';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "${KPI_SCHEMA}".read_model_versions (
      version integer PRIMARY KEY,
      schema_name text NOT NULL UNIQUE,
      consumer_group text NOT NULL UNIQUE,
      status text NOT NULL CHECK (status IN ('building', 'live', 'retired', 'failed', 'dropped')),
      high_water_marks jsonb NOT NULL DEFAULT '{}'::jsonb,
      started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      live_since timestamptz,
      finished_at timestamptz,
      error text
    )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX read_model_versions_one_live ON "${KPI_SCHEMA}".read_model_versions (status) WHERE status = 'live'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX read_model_versions_one_building ON "${KPI_SCHEMA}".read_model_versions (status) WHERE status = 'building'`,
    );
    await queryRunner.query(
      `INSERT INTO "${KPI_SCHEMA}".read_model_versions (version, schema_name, consumer_group, status, live_since)
       VALUES (1, $1, $2, 'live', clock_timestamp())`,
      [KPI_SCHEMA, KPI_CONSUMER_GROUP],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${KPI_SCHEMA}".read_model_versions`);
  }
}
