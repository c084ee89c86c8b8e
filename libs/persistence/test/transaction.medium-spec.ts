import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource, QueryFailedError } from 'typeorm';
import { createTestDatabase, MigratedTestDatabase } from '../src/testing';
import { TransactionRetry, TransactionRunner, transactionRunnerProvider } from '../src/transaction';
import { WIDGET_MIGRATIONS } from './fixtures/widget-migrations';
import { WidgetEntity } from './fixtures/widget.entity';

describe('TransactionRunner', () => {
  let db: MigratedTestDatabase;
  let dataSource: DataSource;

  async function quantityOf(id: string): Promise<number | undefined> {
    const widget = await dataSource.getRepository(WidgetEntity).findOneBy({ id });
    return widget?.quantity;
  }

  beforeAll(async () => {
    db = await createTestDatabase({
      name: __filename,
      migrate: { schema: 'inventory', migrations: WIDGET_MIGRATIONS, entities: [WidgetEntity] },
    });
    dataSource = db.dataSource;
  });

  afterAll(() => db.drop());

  beforeEach(() => dataSource.query('TRUNCATE widget'));

  it('commits the work and returns its result', async () => {
    const runner = new TransactionRunner(dataSource);

    const result = await runner.run(async (manager) => {
      await manager.save(WidgetEntity, { id: 'a', quantity: 1, colour: null });
      return 'done';
    });

    expect(result).toBe('done');
    expect(await quantityOf('a')).toBe(1);
  });

  it('rolls back everything when the work throws, and rethrows the error', async () => {
    const runner = new TransactionRunner(dataSource);

    const failing = runner.run(async (manager) => {
      await manager.save(WidgetEntity, { id: 'a', quantity: 1, colour: null });
      await runner.getRepository(WidgetEntity).save({ id: 'b', quantity: 2, colour: null });
      throw new Error('out of stock');
    });

    await expect(failing).rejects.toThrow('out of stock');
    expect(await dataSource.getRepository(WidgetEntity).count()).toBe(0);
  });

  it('retries a serialization failure and commits the second attempt without losing the concurrent update', async () => {
    await dataSource.query("INSERT INTO widget (id, quantity) VALUES ('a', 10)");
    const retries: TransactionRetry[] = [];
    const runner = new TransactionRunner(dataSource, { onRetry: (retry) => retries.push(retry) });
    let attempts = 0;

    await runner.run(
      async (manager) => {
        attempts++;
        const [{ quantity }] = await manager.query("SELECT quantity FROM widget WHERE id = 'a'");
        // Another connection commits an update after our snapshot was taken, the first time only.
        if (attempts === 1)
          await dataSource.query("UPDATE widget SET quantity = quantity + 100 WHERE id = 'a'");
        await manager.query("UPDATE widget SET quantity = $1 WHERE id = 'a'", [quantity + 1]);
      },
      { isolation: 'REPEATABLE READ' },
    );

    expect(attempts).toBe(2);
    expect(retries.map((retry) => retry.sqlState)).toEqual(['40001']);
    expect(await quantityOf('a')).toBe(111);
  });

  it('gives up after maxAttempts and surfaces the serialization failure', async () => {
    await dataSource.query("INSERT INTO widget (id, quantity) VALUES ('a', 10)");
    const runner = new TransactionRunner(dataSource, { maxAttempts: 3, baseDelayMs: 1 });
    let attempts = 0;

    const failing = runner.run(
      async (manager) => {
        attempts++;
        await manager.query("SELECT quantity FROM widget WHERE id = 'a'");
        await dataSource.query("UPDATE widget SET quantity = quantity + 1 WHERE id = 'a'");
        await manager.query("UPDATE widget SET quantity = 0 WHERE id = 'a'");
      },
      { isolation: 'SERIALIZABLE' },
    );

    await expect(failing).rejects.toBeInstanceOf(QueryFailedError);
    await expect(failing).rejects.toMatchObject({ driverError: { code: '40001' } });
    expect(attempts).toBe(3);
    expect(await quantityOf('a')).toBe(13);
  });

  it('retries the transaction PostgreSQL aborts to break a deadlock, and both transactions commit', async () => {
    await dataSource.query("INSERT INTO widget (id, quantity) VALUES ('a', 0), ('b', 0)");
    const retries: TransactionRetry[] = [];
    const runner = new TransactionRunner(dataSource, { onRetry: (retry) => retries.push(retry) });
    let arrived = 0;
    let bothHoldTheirFirstLock!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHoldTheirFirstLock = resolve));
    const lockInOrder = (first: string, second: string) =>
      runner.run(async (manager) => {
        await manager.query('UPDATE widget SET quantity = quantity + 1 WHERE id = $1', [first]);
        if (++arrived === 2) bothHoldTheirFirstLock();
        await barrier;
        await manager.query('UPDATE widget SET quantity = quantity + 1 WHERE id = $1', [second]);
      });

    // PostgreSQL detects the deadlock after deadlock_timeout (1 s by default).
    await Promise.all([lockInOrder('a', 'b'), lockInOrder('b', 'a')]);

    expect(retries.map((retry) => retry.sqlState)).toEqual(['40P01']);
    expect(await quantityOf('a')).toBe(2);
    expect(await quantityOf('b')).toBe(2);
  });

  it('runs in the isolation level asked for', async () => {
    const runner = new TransactionRunner(dataSource);

    const level = await runner.run((manager) => manager.query('SHOW transaction_isolation'), {
      isolation: 'SERIALIZABLE',
    });

    expect(level).toEqual([{ transaction_isolation: 'serializable' }]);
  });

  it('lets a nested run join the outer transaction, so the outer rollback discards the inner writes', async () => {
    const useCase = new TransactionRunner(dataSource);
    const repository = new TransactionRunner(dataSource); // a second instance shares the transaction
    let insideManagerIsTransactional = false;

    const failing = useCase.run(async (outer) => {
      await repository.run(async (inner) => {
        insideManagerIsTransactional =
          inner === outer && repository.manager === outer && repository.inTransaction;
        await inner.save(WidgetEntity, { id: 'a', quantity: 1, colour: null });
      });
      throw new Error('later step failed');
    });

    await expect(failing).rejects.toThrow('later step failed');
    expect(insideManagerIsTransactional).toBe(true);
    expect(useCase.inTransaction).toBe(false);
    expect(await quantityOf('a')).toBeUndefined();
  });

  it('refuses a nested run that asks for a different isolation level than the transaction it would join', async () => {
    const runner = new TransactionRunner(dataSource);

    const nested = runner.run(() => runner.run(async () => 'unreachable', { isolation: 'SERIALIZABLE' }));

    await expect(nested).rejects.toThrow(/asks for SERIALIZABLE but joins one running at READ COMMITTED/);
  });

  it('is provided to Nest over the module DataSource by transactionRunnerProvider', async () => {
    @Module({ providers: [{ provide: DataSource, useValue: dataSource }, transactionRunnerProvider()] })
    class PersistenceTestModule {}
    const app = await NestFactory.createApplicationContext(PersistenceTestModule, { logger: false });

    try {
      const runner = app.get(TransactionRunner);
      await runner.run((manager) => manager.save(WidgetEntity, { id: 'nest', quantity: 7, colour: null }));
    } finally {
      await app.close();
    }

    expect(await quantityOf('nest')).toBe(7);
  });
});
