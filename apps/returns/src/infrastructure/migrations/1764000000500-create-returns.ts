import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateReturns1764000000500 implements MigrationInterface {
  name = 'CreateReturns1764000000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE returns.returns (
      return_id text PRIMARY KEY,
      order_id text NOT NULL,
      status text NOT NULL,
      requested_at timestamptz NOT NULL,
      request_fingerprint text NOT NULL,
      parked_at timestamptz,
      state jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await queryRunner.query(`CREATE INDEX returns_order_id_idx ON returns.returns (order_id)`);
    await queryRunner.query(
      `CREATE INDEX returns_requested_at_idx ON returns.returns (requested_at, return_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX returns_parked_at_idx ON returns.returns (parked_at) WHERE parked_at IS NOT NULL`,
    );
    await queryRunner.query(`CREATE TABLE returns.order_replicas (
      order_id text PRIMARY KEY,
      state jsonb NOT NULL
    )`);
    await queryRunner.query(`CREATE TABLE returns.parked_warehouse_events (
      event_id text PRIMARY KEY,
      return_id text NOT NULL,
      event_type text NOT NULL,
      source_topic text NOT NULL,
      business_time timestamptz NOT NULL,
      arrived_at timestamptz NOT NULL,
      payload jsonb NOT NULL
    )`);
    await queryRunner.query(
      `CREATE INDEX parked_warehouse_events_return_idx ON returns.parked_warehouse_events (return_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX parked_warehouse_events_arrived_idx ON returns.parked_warehouse_events (arrived_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE returns.parked_warehouse_events`);
    await queryRunner.query(`DROP TABLE returns.order_replicas`);
    await queryRunner.query(`DROP TABLE returns.returns`);
  }
}
