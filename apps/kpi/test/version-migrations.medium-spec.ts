import { createTestDatabase, MigratedTestDatabase } from '@opsline/persistence/testing';
import type { DataSource } from 'typeorm';
import { KPI_SCHEMA, KpiTables } from '../src/infrastructure/kpi-tables';
import {
  createKpiFactTablesMigration,
  kpiFactTablesUpSql,
} from '../src/infrastructure/migrations/1764000000400-create-kpi-facts';
import { CreateReadModelVersions1764000000410 } from '../src/infrastructure/migrations/1764000000410-create-read-model-versions';
import { FreshnessPerPartition1764000000460 } from '../src/infrastructure/migrations/1764000000460-freshness-per-partition';
import { FactTablesFillfactor1764000000480 } from '../src/infrastructure/migrations/1764000000480-fact-tables-fillfactor';

jest.setTimeout(60_000);

/** A rebuilt version beside the service's own schema, as a deployment that has rebuilt once has. */
const REBUILT = 'kpi_v2';
const SCHEMAS = [KPI_SCHEMA, REBUILT];

let db: MigratedTestDatabase;
let dataSource: DataSource;

async function primaryKeyOf(schema: string): Promise<string[]> {
  const rows: { column_name: string }[] = await dataSource.query(
    `SELECT a.attname AS column_name
     FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)`,
    [new KpiTables(schema).topicFreshness],
  );
  return rows.map((row) => row.column_name);
}

async function freshnessRows(schema: string): Promise<Record<string, unknown>[]> {
  return dataSource.query(
    `SELECT * FROM ${new KpiTables(schema).topicFreshness} ORDER BY topic, newest_event_time`,
  );
}

async function migrate(
  direction: 'up' | 'down',
  migration: typeof FreshnessPerPartition1764000000460 | typeof FactTablesFillfactor1764000000480,
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await new migration()[direction](runner);
  } finally {
    await runner.release();
  }
}

beforeAll(async () => {
  db = (await createTestDatabase({
    name: __filename,
    migrate: {
      schema: KPI_SCHEMA,
      migrations: [createKpiFactTablesMigration(KPI_SCHEMA), CreateReadModelVersions1764000000410],
    },
  })) as MigratedTestDatabase;
  dataSource = db.dataSource;
  for (const sql of kpiFactTablesUpSql(REBUILT)) await dataSource.query(sql);
  await dataSource.query(
    `INSERT INTO ${KPI_SCHEMA}.read_model_versions (version, schema_name, consumer_group, status)
     VALUES (2, $1, 'kpi-v2', 'building')`,
    [REBUILT],
  );
  for (const schema of SCHEMAS)
    await dataSource.query(
      `INSERT INTO ${new KpiTables(schema).topicFreshness} (topic, newest_event_time)
       VALUES ('opsline.orders', '2026-11-20T10:00:00Z'), ('opsline.returns', '2026-11-21T10:00:00Z')`,
    );
});

afterAll(() => db.drop());

describe('migration 460: topic freshness per partition', () => {
  it('keys every version’s freshness by topic and partition, keeping the rows from before as partition -1', async () => {
    await migrate('up', FreshnessPerPartition1764000000460);
    for (const schema of SCHEMAS) {
      expect(await primaryKeyOf(schema)).toEqual(['topic', 'partition']);
      expect(await freshnessRows(schema)).toEqual([
        { topic: 'opsline.orders', partition: -1, newest_event_time: new Date('2026-11-20T10:00:00Z') },
        { topic: 'opsline.returns', partition: -1, newest_event_time: new Date('2026-11-21T10:00:00Z') },
      ]);
    }
  });

  it('lets two partitions of one topic keep their own newest time', async () => {
    const table = new KpiTables(KPI_SCHEMA).topicFreshness;
    await dataSource.query(
      `INSERT INTO ${table} (topic, partition, newest_event_time)
       VALUES ('opsline.orders', 0, '2026-11-22T10:00:00Z'), ('opsline.orders', 1, '2026-11-23T10:00:00Z')`,
    );
    const rows: { topic: string; partition: number }[] = await dataSource.query(
      `SELECT topic, partition FROM ${table} WHERE topic = 'opsline.orders' ORDER BY partition`,
    );
    expect(rows.map((row) => row.partition)).toEqual([-1, 0, 1]);
  });

  it('goes back to one row per topic, the newest over its partitions', async () => {
    await migrate('down', FreshnessPerPartition1764000000460);
    expect(await primaryKeyOf(KPI_SCHEMA)).toEqual(['topic']);
    expect(await freshnessRows(KPI_SCHEMA)).toEqual([
      { topic: 'opsline.orders', newest_event_time: new Date('2026-11-23T10:00:00Z') },
      { topic: 'opsline.returns', newest_event_time: new Date('2026-11-21T10:00:00Z') },
    ]);
    expect(await primaryKeyOf(REBUILT)).toEqual(['topic']);
  });
});

describe('migration 480: room on the pages of the fact tables updated in place', () => {
  const storageOf = (schema: string): Promise<{ relname: string; reloptions: string[] | null }[]> =>
    dataSource.query(
      `SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname IN ('order_facts', 'order_line_facts', 'return_facts',
         'return_line_facts', 'position_facts') ORDER BY c.relname`,
      [schema],
    );

  it('leaves 30 % of each new page free in every version’s lines, returns and positions, not orders', async () => {
    await migrate('up', FactTablesFillfactor1764000000480);
    for (const schema of SCHEMAS)
      expect(await storageOf(schema)).toEqual([
        { relname: 'order_facts', reloptions: null },
        { relname: 'order_line_facts', reloptions: ['fillfactor=70'] },
        { relname: 'position_facts', reloptions: ['fillfactor=70'] },
        { relname: 'return_facts', reloptions: ['fillfactor=70'] },
        { relname: 'return_line_facts', reloptions: ['fillfactor=70'] },
      ]);
  });

  it('goes back to full pages', async () => {
    await migrate('down', FactTablesFillfactor1764000000480);
    for (const schema of SCHEMAS)
      expect((await storageOf(schema)).map((table) => table.reloptions)).toEqual([
        null,
        null,
        null,
        null,
        null,
      ]);
  });
});
