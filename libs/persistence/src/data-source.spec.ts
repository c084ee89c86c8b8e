import { PooledConnection, serviceDataSourceOptions } from './data-source';

describe('serviceDataSourceOptions', () => {
  const base = { url: 'postgres://u@db/opsline', schema: 'returns', entities: [], migrations: [] };

  it('puts entities and the migrations table in the service schema and never synchronizes', () => {
    const options = serviceDataSourceOptions(base);

    expect(options).toMatchObject({
      type: 'postgres',
      schema: 'returns',
      migrationsTableName: 'migrations',
      migrationsTransactionMode: 'all',
      synchronize: false,
      migrationsRun: false,
      extra: { options: '-c search_path=returns,public' },
    });
  });

  it('names connections after the service and sizes the pool as configured', () => {
    expect(serviceDataSourceOptions(base)).toMatchObject({ applicationName: 'returns', poolSize: 10 });
    expect(
      serviceDataSourceOptions({ ...base, applicationName: 'returns-worker', poolSize: 3 }),
    ).toMatchObject({
      applicationName: 'returns-worker',
      poolSize: 3,
    });
  });

  it('pools connections that survive a late error from a session the server ended', () => {
    const { extra } = serviceDataSourceOptions(base) as { extra: { Client: typeof PooledConnection } };
    const connection = new extra.Client();

    expect(() => connection.emit('error', new Error('Connection terminated unexpectedly'))).not.toThrow();
  });

  it('rejects schema names that would need quoting', () => {
    expect(() => serviceDataSourceOptions({ ...base, schema: 'Orders' })).toThrow(
      /lower-case PostgreSQL identifier/,
    );
    expect(() => serviceDataSourceOptions({ ...base, schema: 'orders; drop' })).toThrow(/identifier/);
  });
});
