import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for settling a position without reading its whole ledger: its latest cycle count before a
 * time, its ledger from that count on (by business time), and one order's entries at a position.
 */
export class IndexLedgerReads1764000000310 implements MigrationInterface {
  name = 'IndexLedgerReads1764000000310';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX stock_ledger_counts_idx ON inventory.stock_ledger (warehouse_id, sku, at) WHERE kind = 'count'`,
    );
    await queryRunner.query(
      `CREATE INDEX stock_ledger_position_time_idx ON inventory.stock_ledger (warehouse_id, sku, at)`,
    );
    await queryRunner.query(
      `CREATE INDEX stock_ledger_order_idx ON inventory.stock_ledger ((entry->>'orderId'))
        WHERE kind IN ('reservation', 'release', 'shipment')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX inventory.stock_ledger_order_idx`);
    await queryRunner.query(`DROP INDEX inventory.stock_ledger_position_time_idx`);
    await queryRunner.query(`DROP INDEX inventory.stock_ledger_counts_idx`);
  }
}
