import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cycle count's ledger row keeps its judgement (on-hand from every movement before it), so a
 * movement arriving late re-judges the count after it by adding its own change, without folding
 * the ledger before it. Derived, not a fact: NULL (counts recorded before this migration) means
 * "not known", and the service then folds the ledger around the count once and stores it.
 */
export class CountJudgements1764000000330 implements MigrationInterface {
  name = 'CountJudgements1764000000330';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE inventory.stock_ledger ADD COLUMN on_hand_at_count integer`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE inventory.stock_ledger DROP COLUMN on_hand_at_count`);
  }
}
