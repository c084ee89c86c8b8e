import { MigrationInterface, QueryRunner } from 'typeorm';
import { ALERT_TABLES } from '../alerts/alert-tables';

/**
 * The alerts' own tables, in the service's schema: not a read model (a rebuild neither drops nor
 * refills them), but operational state with a history that must survive rebuilds.
 */
export class CreateAlerts1764000000440 implements MigrationInterface {
  name = 'CreateAlerts1764000000440';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = ALERT_TABLES;
    await queryRunner.query(`CREATE TABLE ${t.alerts} (
      alert_id text NOT NULL,
      occurrence integer NOT NULL,
      kind text NOT NULL,
      severity text NOT NULL,
      warehouse_id text,
      order_id text,
      return_id text,
      sku text,
      shipment_id text,
      summary text NOT NULL,
      raised_at timestamptz NOT NULL,
      resolved_at timestamptz,
      PRIMARY KEY (alert_id, occurrence)
    )`);
    // at most one open occurrence per alert: the evaluator's diff relies on it
    await queryRunner.query(
      `CREATE UNIQUE INDEX alerts_open_idx ON ${t.alerts} (alert_id) WHERE resolved_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX alerts_raised_at_idx ON ${t.alerts} (raised_at DESC, alert_id)`);
    await queryRunner.query(`CREATE TABLE ${t.transitions} (
      seq bigserial PRIMARY KEY,
      alert_id text NOT NULL,
      occurrence integer NOT NULL,
      transition text NOT NULL,
      warehouse_id text,
      alert jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await queryRunner.query(`CREATE TABLE ${t.feeds} (
      warehouse_id text PRIMARY KEY,
      last_heard_at timestamptz NOT NULL,
      last_event_type text NOT NULL
    )`);
    await queryRunner.query(`CREATE TABLE ${t.allocations} (
      order_id text NOT NULL,
      warehouse_id text NOT NULL,
      PRIMARY KEY (order_id, warehouse_id)
    )`);
    await queryRunner.query(`CREATE TABLE ${t.shipments} (
      order_id text NOT NULL,
      shipment_id text NOT NULL,
      warehouse_id text NOT NULL,
      shipped_at timestamptz NOT NULL,
      PRIMARY KEY (order_id, shipment_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = ALERT_TABLES;
    for (const table of [t.shipments, t.allocations, t.feeds, t.transitions, t.alerts])
      await queryRunner.query(`DROP TABLE ${table}`);
  }
}
