import { MigrationInterface, QueryRunner } from 'typeorm';
import { ALERT_TABLES as t } from '../alerts/alert-tables';
import { KPI_SCHEMA } from '../kpi-tables';

/**
 * Indexes of the open alerts by subject and by kind: every evaluation asks, per candidate subject,
 * whether it already has an open alert of a kind, and lists a kind's open alerts oldest first.
 * Partial (open only), so they stay as small as what is open however long the history grows.
 */
export class IndexOpenAlerts1764000000450 implements MigrationInterface {
  name = 'IndexOpenAlerts1764000000450';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX alerts_open_order_idx ON ${t.alerts} (order_id, kind) WHERE resolved_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX alerts_open_return_idx ON ${t.alerts} (return_id) WHERE resolved_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX alerts_open_position_idx ON ${t.alerts} (warehouse_id, sku) WHERE resolved_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX alerts_open_kind_idx ON ${t.alerts} (kind, raised_at, alert_id) WHERE resolved_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of ['order', 'return', 'position', 'kind'])
      await queryRunner.query(`DROP INDEX "${KPI_SCHEMA}".alerts_open_${index}_idx`);
  }
}
