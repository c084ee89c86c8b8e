import { DynamicModule, Module } from '@nestjs/common';
import { Pool } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { loadConfig } from '@opsline/platform';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { DatabaseServiceEnvironment, ServiceKitModule } from '../src';
import { migrateOnly } from '../src/run-service';

class CreateProbeTable1764000009900 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE probe (id text PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE probe');
  }
}

@Module({})
class ProbeServiceModule {
  static forRoot(environment: DatabaseServiceEnvironment): DynamicModule {
    return {
      module: ProbeServiceModule,
      imports: [
        ServiceKitModule.forRoot({
          serviceName: 'orders',
          environment,
          entities: [],
          migrations: [CreateProbeTable1764000009900],
        }),
      ],
    };
  }
}

@Module({})
class ModuleWithoutDatabase {}

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase({ name: __filename });
  pool = new Pool({ connectionString: db.url, max: 1 });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('migrateOnly (node main.js --migrate-only)', () => {
  it('creates the schema and runs pending migrations once, without starting the service', async () => {
    const environment = loadConfig(DatabaseServiceEnvironment, {
      PORT: '3999',
      DATABASE_URL: db.url,
      // Nothing listens here: a migrations-only run must not touch Kafka.
      KAFKA_BROKERS: '127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    const root = ProbeServiceModule.forRoot(environment);

    expect(await migrateOnly('orders', root, 'silent')).toBe(0);
    expect(await migrateOnly('orders', root, 'silent')).toBe(0);

    const tables = await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'orders' ORDER BY table_name",
    );
    expect(tables.rows.map((row) => row.table_name)).toEqual(['migrations', 'probe']);
    const applied = await pool.query<{ name: string }>('SELECT name FROM orders.migrations');
    // the kit appends the inbox retention index's migration to every service's (a no-op without an inbox)
    expect(applied.rows.map((row) => row.name)).toEqual([
      'InboxRetentionIndexOrders1764000000001',
      'CreateProbeTable1764000009900',
    ]);
  });

  it('exits 1 when the module has no ServiceKitModule to take migrations from', async () => {
    expect(await migrateOnly('nothing', ModuleWithoutDatabase, 'silent')).toBe(1);
  });

  it('exits 1 when the database cannot be reached', async () => {
    const environment = loadConfig(DatabaseServiceEnvironment, {
      PORT: '3999',
      DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none',
      LOG_LEVEL: 'silent',
    });
    expect(await migrateOnly('orders', ProbeServiceModule.forRoot(environment), 'silent')).toBe(1);
  });
});
