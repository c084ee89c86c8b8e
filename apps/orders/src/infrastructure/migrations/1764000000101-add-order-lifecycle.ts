import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order lifecycle: the aggregate's state as jsonb on the order row (the `status` column is kept
 * in step with it, for listing by status), and the parking lot for events of orders not seen yet.
 * Rows placed before this migration have no state; the repository rebuilds it from the placement.
 */
export class AddOrderLifecycle1764000000101 implements MigrationInterface {
  name = 'AddOrderLifecycle1764000000101';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE orders.orders ADD COLUMN state jsonb`);
    await queryRunner.query(`CREATE INDEX orders_status_idx ON orders.orders (status)`);
    await queryRunner.query(`CREATE TABLE orders.parked_events (
      event_id text PRIMARY KEY,
      order_id text NOT NULL,
      event_type text NOT NULL,
      source_topic text NOT NULL,
      business_time timestamptz NOT NULL,
      arrived_at timestamptz NOT NULL,
      payload jsonb NOT NULL
    )`);
    await queryRunner.query(`CREATE INDEX parked_events_order_idx ON orders.parked_events (order_id)`);
    await queryRunner.query(`CREATE INDEX parked_events_arrived_idx ON orders.parked_events (arrived_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE orders.parked_events`);
    await queryRunner.query(`DROP INDEX orders.orders_status_idx`);
    await queryRunner.query(`ALTER TABLE orders.orders DROP COLUMN state`);
  }
}
