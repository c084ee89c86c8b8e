import { MigrationInterface, QueryRunner } from 'typeorm';

/** Order facts at the grain the order KPIs need; the KPI issue extends them (lines, shipments…). */
export class CreateOrderFacts1764000000400 implements MigrationInterface {
  name = 'CreateOrderFacts1764000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE kpi.order_facts (
      order_id text PRIMARY KEY,
      channel text NOT NULL,
      warehouse_id text,
      placed_at timestamptz NOT NULL,
      units_ordered integer NOT NULL,
      order_value_minor bigint NOT NULL
    )`);
    await queryRunner.query(`CREATE INDEX order_facts_placed_at_idx ON kpi.order_facts (placed_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE kpi.order_facts`);
  }
}
