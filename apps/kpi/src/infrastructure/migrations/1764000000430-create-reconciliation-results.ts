import { MigrationInterface, QueryRunner } from 'typeorm';
import { KPI_SCHEMA } from '../kpi-tables';

/**
 * `kpi.reconciliation_results`: the outcome of each reconciliation of the read models against the
 * topics (the newest few are kept), so `GET /kpis/reconciliation` and the drift gauges survive a restart.
 */
export class CreateReconciliationResults1764000000430 implements MigrationInterface {
  name = 'CreateReconciliationResults1764000000430';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "${KPI_SCHEMA}".reconciliation_results (
      id bigserial PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('ok', 'drift', 'inconclusive')),
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      result jsonb NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${KPI_SCHEMA}".reconciliation_results`);
  }
}
