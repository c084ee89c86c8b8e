import { DataSource } from 'typeorm';
import { createServiceDataSource, runMigrations } from '../src/data-source';
import { createTestDatabase, TestDatabase } from '../src/testing';
import {
  AddWidgetColour1718000000001,
  BrokenMigration1718000000002,
  CreateWidgets1718000000000,
  WIDGET_MIGRATIONS,
} from './fixtures/widget-migrations';
import { WidgetEntity } from './fixtures/widget.entity';

describe('runMigrations', () => {
  let db: TestDatabase;
  const opened: DataSource[] = [];

  function dataSourceFor(schema: string, migrations = WIDGET_MIGRATIONS, poolSize = 2): DataSource {
    const dataSource = createServiceDataSource({
      url: db.url,
      schema,
      entities: [WidgetEntity],
      migrations,
      poolSize,
      logging: false,
    });
    opened.push(dataSource);
    return dataSource;
  }

  async function tablesIn(schema: string): Promise<string[]> {
    const rows: Array<{ table_name: string }> = await opened[0]!.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    return rows.map((row) => row.table_name);
  }

  async function appliedMigrations(schema: string): Promise<string[]> {
    const rows: Array<{ name: string }> = await opened[0]!.query(
      `SELECT name FROM "${schema}".migrations ORDER BY id`,
    );
    return rows.map((row) => row.name);
  }

  beforeAll(async () => {
    db = await createTestDatabase({ name: __filename });
  });

  afterAll(async () => {
    await Promise.all(
      opened.filter((dataSource) => dataSource.isInitialized).map((dataSource) => dataSource.destroy()),
    );
    await db.drop();
  });

  it('creates the schema, puts the tables and the migrations table in it, and reports what it ran', async () => {
    const dataSource = dataSourceFor('orders');

    const ran = await runMigrations(dataSource);

    expect(ran).toEqual(['CreateWidgets1718000000000', 'AddWidgetColour1718000000001']);
    expect(await tablesIn('orders')).toEqual(['migrations', 'widget']);
    expect(await tablesIn('public')).toEqual([]);
    await dataSource.getRepository(WidgetEntity).save({ id: 'w1', quantity: 3, colour: 'red' });
    expect(await dataSource.query('SELECT id, quantity, colour FROM orders.widget')).toEqual([
      { id: 'w1', quantity: 3, colour: 'red' },
    ]);
  });

  it('is idempotent: a second run, and a run after a restart, apply nothing and keep the data', async () => {
    const restarted = dataSourceFor('orders');

    expect(await runMigrations(opened[0]!)).toEqual([]);
    expect(await runMigrations(restarted)).toEqual([]);

    expect(await appliedMigrations('orders')).toEqual([
      'CreateWidgets1718000000000',
      'AddWidgetColour1718000000001',
    ]);
    expect(await restarted.getRepository(WidgetEntity).findOneBy({ id: 'w1' })).toMatchObject({
      quantity: 3,
    });
  });

  it('applies only the new migration when the code gains one', async () => {
    const older = dataSourceFor('returns', [CreateWidgets1718000000000]);
    expect(await runMigrations(older)).toEqual(['CreateWidgets1718000000000']);

    const newer = dataSourceFor('returns');
    expect(await runMigrations(newer)).toEqual(['AddWidgetColour1718000000001']);
  });

  it('lets several instances starting at once migrate a fresh schema without failing, each migration once', async () => {
    const instances = [1, 2, 3, 4].map(() => dataSourceFor('inventory'));

    const results = await Promise.all(instances.map((dataSource) => runMigrations(dataSource)));

    expect(results.flat().sort()).toEqual(['AddWidgetColour1718000000001', 'CreateWidgets1718000000000']);
    expect(results.filter((ran) => ran.length > 0)).toHaveLength(1);
    expect(await appliedMigrations('inventory')).toEqual([
      'CreateWidgets1718000000000',
      'AddWidgetColour1718000000001',
    ]);
  });

  it('rolls back every pending migration when one fails, and releases the lock for the next start', async () => {
    const broken = dataSourceFor('kpi', [CreateWidgets1718000000000, BrokenMigration1718000000002]);

    await expect(runMigrations(broken)).rejects.toThrow(/no_such_function/);

    expect(await tablesIn('kpi')).toEqual(['migrations']);
    expect(await appliedMigrations('kpi')).toEqual([]);
    const fixed = dataSourceFor('kpi', [CreateWidgets1718000000000, AddWidgetColour1718000000001]);
    expect(await runMigrations(fixed)).toHaveLength(2);
  });

  it('names its connections after the service and resolves unqualified names in its schema first', async () => {
    const dataSource = dataSourceFor('orders');
    await dataSource.initialize();

    const [settings] = await dataSource.query(
      "SELECT current_setting('application_name') AS app, current_setting('search_path') AS path",
    );

    expect(settings).toEqual({ app: 'orders', path: 'orders,public' });
    expect(await dataSource.query('SELECT count(*)::int AS n FROM widget')).toEqual([{ n: 1 }]);
  });
});
