import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1764000000100 implements MigrationInterface {
  name = 'CreateOrders1764000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE orders.orders (
      order_id text PRIMARY KEY,
      channel text NOT NULL,
      currency text NOT NULL,
      customer_id text,
      warehouse_id text,
      placed_at timestamptz NOT NULL,
      promised_ship_by timestamptz NOT NULL,
      status text NOT NULL,
      lines jsonb NOT NULL,
      placement_fingerprint text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await queryRunner.query(`CREATE INDEX orders_placed_at_idx ON orders.orders (placed_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE orders.orders`);
  }
}
