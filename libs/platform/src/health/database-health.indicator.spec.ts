import { HealthIndicatorService } from '@nestjs/terminus';
import { DatabaseHealthIndicator, type PingableDataSource } from './database-health.indicator';

function dataSource(query: () => Promise<unknown>, isInitialized = true): PingableDataSource {
  return { isInitialized, query };
}

describe('DatabaseHealthIndicator', () => {
  const indicators = new HealthIndicatorService();

  it('is not part of readiness when no DataSource is registered', () => {
    expect(new DatabaseHealthIndicator(indicators, () => undefined).isConfigured()).toBe(false);
  });

  it('is up when SELECT 1 answers', async () => {
    const indicator = new DatabaseHealthIndicator(indicators, () =>
      dataSource(async () => [{ '?column?': 1 }]),
    );
    expect(indicator.isConfigured()).toBe(true);
    expect(await indicator.isHealthy()).toEqual({ database: { status: 'up' } });
  });

  it('is down with the reason when the ping fails, hangs or the DataSource is not initialized', async () => {
    const failing = new DatabaseHealthIndicator(indicators, () =>
      dataSource(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'))),
    );
    expect(await failing.isHealthy()).toEqual({
      database: { status: 'down', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
    });
    const hanging = new DatabaseHealthIndicator(
      indicators,
      () => dataSource(() => new Promise(() => undefined)),
      30,
    );
    expect(await hanging.isHealthy()).toEqual({
      database: { status: 'down', message: 'timed out after 30 ms' },
    });
    const idle = new DatabaseHealthIndicator(indicators, () => dataSource(async () => [], false));
    expect((await idle.isHealthy()).database).toEqual({
      status: 'down',
      message: 'the DataSource is not initialized',
    });
  });
});
