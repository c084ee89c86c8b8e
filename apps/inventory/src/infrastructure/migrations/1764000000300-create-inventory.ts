import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inventory tables. `stock_ledger` is the source of truth (one row per movement, unique on its
 * ledger key so a duplicate event has no second effect); `stock_positions` is maintained from it in
 * the same transaction; `backorders` is the FIFO queue; `reorder_policies` the reorder points;
 * `order_allocations` remembers which orders were allocated, and where.
 */
export class CreateInventory1764000000300 implements MigrationInterface {
  name = 'CreateInventory1764000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE inventory.stock_ledger (
      entry_id bigserial PRIMARY KEY,
      warehouse_id text NOT NULL,
      sku text NOT NULL,
      entry_key text NOT NULL,
      kind text NOT NULL,
      at timestamptz NOT NULL,
      entry jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT stock_ledger_entry_key_unique UNIQUE (warehouse_id, sku, entry_key)
    )`);
    await queryRunner.query(`CREATE TABLE inventory.stock_positions (
      warehouse_id text NOT NULL,
      sku text NOT NULL,
      on_hand integer NOT NULL DEFAULT 0,
      reserved integer NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (warehouse_id, sku)
    )`);
    await queryRunner.query(`CREATE INDEX stock_positions_sku_idx ON inventory.stock_positions (sku)`);
    await queryRunner.query(`CREATE TABLE inventory.backorders (
      order_id text NOT NULL,
      line_id text NOT NULL,
      warehouse_id text NOT NULL,
      sku text NOT NULL,
      placed_at timestamptz NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      PRIMARY KEY (order_id, line_id)
    )`);
    await queryRunner.query(
      `CREATE INDEX backorders_position_idx ON inventory.backorders (warehouse_id, sku, placed_at)`,
    );
    await queryRunner.query(`CREATE TABLE inventory.reorder_policies (
      warehouse_id text NOT NULL,
      sku text NOT NULL,
      reorder_point integer NOT NULL CHECK (reorder_point >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (warehouse_id, sku)
    )`);
    await queryRunner.query(`CREATE TABLE inventory.order_allocations (
      order_id text PRIMARY KEY,
      warehouse_id text NOT NULL,
      placed_at timestamptz NOT NULL
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'order_allocations',
      'reorder_policies',
      'backorders',
      'stock_positions',
      'stock_ledger',
    ]) {
      await queryRunner.query(`DROP TABLE inventory.${table}`);
    }
  }
}
