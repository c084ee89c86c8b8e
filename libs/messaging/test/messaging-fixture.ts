import { MigrationInterface, QueryRunner } from 'typeorm';
import { createMessagingTablesMigration } from '../src/messaging-tables';

export const TEST_SCHEMA = 'msgtest';

/** A table the test handlers write to, so an event's effect (and its count) can be seen. */
class CreateAppliedEvents1764000000001 implements MigrationInterface {
  name = 'CreateAppliedEvents1764000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ${TEST_SCHEMA}.applied_events (
      event_id text NOT NULL,
      subject text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${TEST_SCHEMA}.applied_events`);
  }
}

export const TEST_MIGRATIONS = [
  createMessagingTablesMigration(TEST_SCHEMA),
  CreateAppliedEvents1764000000001,
];
