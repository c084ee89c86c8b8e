import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  migrationSetKey,
  selectLeftovers,
  templateComment,
  testDatabaseCreatedAt,
  testDatabaseName,
  testDatabaseSlug,
} from './test-database-names';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('test database names', () => {
  it('derives a short slug from the spec file name', () => {
    expect(testDatabaseSlug('/repo/apps/orders/test/order-placement.medium-spec.ts')).toBe('order_placement');
    expect(testDatabaseSlug('returns.e2e-spec.ts')).toBe('returns');
    expect(testDatabaseSlug('A very long label describing the test suite')).toBe('a_very_long_label_de');
    expect(testDatabaseSlug('---')).toBe('db');
  });

  it('is unique per worker and call, fits in 63 bytes and records its creation time', () => {
    const now = Date.UTC(2025, 0, 2, 3, 4, 5);
    const name = testDatabaseName(
      '/x/a-rather-long-spec-file-name-indeed.medium-spec.ts',
      4194304,
      now,
      () => 0.5,
    );

    expect(name).toMatch(/^opsline_t_a_rather_long_spec_f_4194304_[0-9a-z]+_[0-9a-z]{4}$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(testDatabaseCreatedAt(name)).toBe(now);
    expect(testDatabaseName('x', 1, now, () => 0.1)).not.toBe(testDatabaseName('x', 1, now, () => 0.2));
    expect(testDatabaseCreatedAt('opsline_tpl_0123456789abcdef')).toBeUndefined();
  });
});

describe('migrationSetKey', () => {
  class CreateA1700000000000 implements MigrationInterface {
    async up(): Promise<void> {}
    async down(): Promise<void> {}
  }
  class CreateB1700000000001 implements MigrationInterface {
    async up(): Promise<void> {}
    async down(): Promise<void> {}
  }
  const editedB = {
    CreateB1700000000001: class implements MigrationInterface {
      async up(): Promise<void> {
        await Promise.resolve('changed');
      }
      async down(): Promise<void> {}
    },
  }.CreateB1700000000001;

  it('is stable for the same set and changes with the schema, the classes or their code', async () => {
    const key = await migrationSetKey('orders', [CreateA1700000000000, CreateB1700000000001]);

    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(await migrationSetKey('orders', [CreateA1700000000000, CreateB1700000000001])).toBe(key);
    expect(await migrationSetKey('returns', [CreateA1700000000000, CreateB1700000000001])).not.toBe(key);
    expect(await migrationSetKey('orders', [CreateA1700000000000])).not.toBe(key);
    expect(await migrationSetKey('orders', [CreateA1700000000000, editedB])).not.toBe(key);
  });

  it('changes with the SQL a migration runs when a helper outside its methods builds it', async () => {
    // A factory's class: the same method source whatever SQL the helper returns.
    const fromHelper = (ddl: () => string[]) =>
      class CreateC1700000000002 implements MigrationInterface {
        async up(runner: QueryRunner): Promise<void> {
          for (const statement of ddl()) await runner.query(statement);
        }
        async down(runner: QueryRunner): Promise<void> {
          await runner.query('DROP TABLE c');
        }
      };
    const key = await migrationSetKey('kpi', [fromHelper(() => ['CREATE TABLE c (id int)'])]);

    expect(await migrationSetKey('kpi', [fromHelper(() => ['CREATE TABLE c (id int)'])])).toBe(key);
    expect(await migrationSetKey('kpi', [fromHelper(() => ['CREATE TABLE c (id bigint)'])])).not.toBe(key);
    // A migration that throws on the recording runner is still keyed (by its calls and the error).
    const throwing = fromHelper(() => {
      throw new Error('needs a real database');
    });
    expect(await migrationSetKey('kpi', [throwing])).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('selectLeftovers', () => {
  const now = Date.UTC(2025, 5, 1);

  it('picks test databases created over a day ago and templates not cloned for a day', () => {
    const rows = [
      {
        datname: testDatabaseName('old', 1, now - 2 * DAY_MS, Math.random),
        datistemplate: false,
        comment: null,
      },
      { datname: testDatabaseName('new', 1, now - 60_000, Math.random), datistemplate: false, comment: null },
      {
        datname: 'opsline_tpl_aaaaaaaaaaaaaaaa',
        datistemplate: true,
        comment: templateComment(now - 2 * DAY_MS),
      },
      {
        datname: 'opsline_tpl_bbbbbbbbbbbbbbbb',
        datistemplate: true,
        comment: templateComment(now - 60_000),
      },
      { datname: 'opsline_tpl_cccccccccccccccc', datistemplate: false, comment: null },
      { datname: 'opsline_t_not_ours', datistemplate: false, comment: null },
    ];

    expect(selectLeftovers(rows, now, DAY_MS)).toEqual({
      databases: [rows[0]!.datname],
      templates: ['opsline_tpl_aaaaaaaaaaaaaaaa'],
    });
  });
});
