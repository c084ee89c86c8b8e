import { MigrationInterface, QueryRunner } from 'typeorm';

/** The LISTEN/NOTIFY channel on which a schema's outbox announces committed rows. */
export function outboxChannel(schema: string): string {
  return `${schema}_outbox`;
}

function quoted(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  return `"${schema}"`;
}

/**
 * The outbox (events written in the use case's transaction, published by the relay) and the
 * inbox (event ids a consumer group has applied, so a redelivery has no second effect).
 * The statement-level trigger notifies at commit, which is what wakes the relay.
 */
export function messagingTablesUpSql(schema: string): string[] {
  const s = quoted(schema);
  return [
    `CREATE TABLE IF NOT EXISTS ${s}.outbox (
      id bigserial PRIMARY KEY,
      topic text NOT NULL,
      message_key text NOT NULL,
      event_id text NOT NULL,
      event_type text NOT NULL,
      payload bytea NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      published_at timestamptz
    )`,
    `CREATE INDEX IF NOT EXISTS outbox_pending_idx ON ${s}.outbox (id) WHERE published_at IS NULL`,
    `CREATE INDEX IF NOT EXISTS outbox_published_idx ON ${s}.outbox (published_at) WHERE published_at IS NOT NULL`,
    `CREATE OR REPLACE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${outboxChannel(schema)}', ''); RETURN NULL; END $$`,
    `DROP TRIGGER IF EXISTS outbox_notify ON ${s}.outbox`,
    `CREATE TRIGGER outbox_notify AFTER INSERT ON ${s}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`,
    `CREATE TABLE IF NOT EXISTS ${s}.inbox (
      consumer_group text NOT NULL,
      event_id text NOT NULL,
      topic text NOT NULL,
      partition integer NOT NULL,
      "offset" bigint NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      PRIMARY KEY (consumer_group, event_id)
    )`,
  ];
}

/**
 * The index the inbox's retention deletes by (oldest first), without reading the whole table. Not
 * in {@link messagingTablesUpSql}: that migration ran in existing databases before it; services get
 * it from {@link createInboxRetentionIndexMigration}.
 */
export function inboxProcessedAtIndexSql(schema: string): string {
  return `CREATE INDEX IF NOT EXISTS inbox_processed_at_idx ON ${quoted(schema)}.inbox (processed_at)`;
}

export function messagingTablesDownSql(schema: string): string[] {
  const s = quoted(schema);
  return [
    `DROP TABLE IF EXISTS ${s}.inbox`,
    `DROP TABLE IF EXISTS ${s}.outbox`,
    `DROP FUNCTION IF EXISTS ${s}.outbox_notify()`,
  ];
}

/** A migration class named `<prefix><Schema><timestamp>` (TypeORM reads the timestamp off the name). */
function schemaMigration(
  prefix: string,
  schema: string,
  timestamp: number,
  steps: { up(queryRunner: QueryRunner): Promise<void>; down(queryRunner: QueryRunner): Promise<void> },
): new () => MigrationInterface {
  const name = `${prefix}${schema.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())}${timestamp}`;
  const migration = class implements MigrationInterface {
    name = name;
    up(queryRunner: QueryRunner): Promise<void> {
      return steps.up(queryRunner);
    }
    down(queryRunner: QueryRunner): Promise<void> {
      return steps.down(queryRunner);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

/** A TypeORM migration class creating the messaging tables in `schema`; services list it first. */
export function createMessagingTablesMigration(
  schema: string,
  timestamp = 1764000000000,
): new () => MigrationInterface {
  return schemaMigration('MessagingTables', schema, timestamp, {
    async up(queryRunner) {
      for (const sql of messagingTablesUpSql(schema)) await queryRunner.query(sql);
    },
    async down(queryRunner) {
      for (const sql of messagingTablesDownSql(schema)) await queryRunner.query(sql);
    },
  });
}

/** A TypeORM migration adding the inbox's `processed_at` index (the service kit appends it to every service's). */
export function createInboxRetentionIndexMigration(
  schema: string,
  timestamp = 1764000000001,
): new () => MigrationInterface {
  return schemaMigration('InboxRetentionIndex', schema, timestamp, {
    async up(queryRunner) {
      // a schema without the messaging tables (a service that neither consumes nor publishes) has no inbox
      const [{ inbox }]: { inbox: string | null }[] = await queryRunner.query(
        `SELECT to_regclass($1) AS inbox`,
        [`${quoted(schema)}.inbox`],
      );
      if (inbox !== null) await queryRunner.query(inboxProcessedAtIndexSql(schema));
    },
    async down(queryRunner) {
      await queryRunner.query(`DROP INDEX IF EXISTS ${quoted(schema)}.inbox_processed_at_idx`);
    },
  });
}
