import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each position remembers the business times of its latest cycle count and latest on-hand movement
 * (as the events wrote them: compared as instants by the service, never truncated to microseconds),
 * so settling an event that arrives in time order needs no read of the ledger. Filled from the
 * ledger for positions that exist already.
 */
export class PositionLatestMovements1764000000320 implements MigrationInterface {
  name = 'PositionLatestMovements1764000000320';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE inventory.stock_positions ADD COLUMN latest_count_at text, ADD COLUMN latest_movement_at text`,
    );
    await queryRunner.query(
      `UPDATE inventory.stock_positions p SET
         latest_count_at = (SELECT entry->>'at' FROM inventory.stock_ledger l
                             WHERE l.warehouse_id = p.warehouse_id AND l.sku = p.sku AND l.kind = 'count'
                             ORDER BY l.at DESC LIMIT 1),
         latest_movement_at = (SELECT entry->>'at' FROM inventory.stock_ledger l
                                WHERE l.warehouse_id = p.warehouse_id AND l.sku = p.sku
                                  AND l.kind NOT IN ('reservation', 'release')
                                ORDER BY l.at DESC LIMIT 1)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE inventory.stock_positions DROP COLUMN latest_count_at, DROP COLUMN latest_movement_at`,
    );
  }
}
