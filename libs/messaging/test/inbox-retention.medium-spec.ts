import { createTestDatabase, MigratedTestDatabase } from '@opsline/persistence/testing';
import { pruneInbox } from '../src/consumer/inbox';
import { createInboxRetentionIndexMigration } from '../src/messaging-tables';
import { TEST_MIGRATIONS, TEST_SCHEMA } from './messaging-fixture';

let db: MigratedTestDatabase;

beforeAll(async () => {
  db = (await createTestDatabase({
    name: __filename,
    migrate: { schema: TEST_SCHEMA, migrations: TEST_MIGRATIONS },
  })) as MigratedTestDatabase;
});

afterAll(async () => {
  await db?.drop();
});

/** Inbox rows of two groups, processed `hoursAgo` each (one row per entry). */
async function inboxRows(hoursAgo: readonly number[]): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO ${TEST_SCHEMA}.inbox (consumer_group, event_id, topic, partition, "offset", processed_at)
     SELECT CASE WHEN n % 2 = 0 THEN 'group-a' ELSE 'group-b' END, 'evt-' || n, 't', 0, n,
            now() - make_interval(hours => h)
     FROM unnest($1::int[]) WITH ORDINALITY AS r(h, n)`,
    [hoursAgo],
  );
}

async function remainingHoursAgo(): Promise<number[]> {
  const rows: { h: number }[] = await db.dataSource.query(
    `SELECT round(extract(epoch FROM now() - processed_at) / 3600)::int AS h FROM ${TEST_SCHEMA}.inbox ORDER BY h`,
  );
  return rows.map((row) => row.h);
}

describe('inbox retention (pruneInbox)', () => {
  beforeEach(() => db.dataSource.query(`DELETE FROM ${TEST_SCHEMA}.inbox`));

  it('deletes the rows of every group processed before the cutoff, oldest first, at most `limit` a call', async () => {
    await inboxRows([1, 300, 200, 2, 500, 170]);
    const cutoff = new Date(Date.now() - 168 * 3_600_000).toISOString();
    expect(await pruneInbox(db.dataSource.manager, TEST_SCHEMA, cutoff, 2)).toBe(2);
    expect(await remainingHoursAgo()).toEqual([1, 2, 170, 200]);
    expect(await pruneInbox(db.dataSource.manager, TEST_SCHEMA, cutoff, 2)).toBe(2);
    expect(await remainingHoursAgo()).toEqual([1, 2]);
    expect(await pruneInbox(db.dataSource.manager, TEST_SCHEMA, cutoff, 2)).toBe(0);
  });

  it('has its processed_at index added by a migration of its own', async () => {
    const Migration = createInboxRetentionIndexMigration(TEST_SCHEMA);
    const runner = db.dataSource.createQueryRunner();
    try {
      await new Migration().up(runner);
      await new Migration().up(runner); // idempotent
    } finally {
      await runner.release();
    }
    const [{ indexdef }]: { indexdef: string }[] = await db.dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'inbox_processed_at_idx'`,
      [TEST_SCHEMA],
    );
    expect(indexdef).toContain('(processed_at)');
  });
});
