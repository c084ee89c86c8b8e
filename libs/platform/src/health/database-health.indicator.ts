import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { withTimeout } from './with-timeout';

/** The part of a TypeORM `DataSource` the ping uses. */
export interface PingableDataSource {
  readonly isInitialized: boolean;
  query(sql: string): Promise<unknown>;
}

const DEFAULT_TIMEOUT_MS = 1500;

/**
 * Readiness of the service's database: `SELECT 1` through its TypeORM `DataSource` within a timeout.
 * The data source is looked up lazily (`find`), so a service without a database has no such check.
 */
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly find: () => PingableDataSource | undefined,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /** `true` when a data source is registered, i.e. when readiness should include the database. */
  isConfigured(): boolean {
    return this.find() !== undefined;
  }

  /** `{ [key]: { status: 'up' } }`, or `down` with the reason. */
  async isHealthy(key = 'database'): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    const dataSource = this.find();
    if (dataSource === undefined) return check.down({ message: 'no TypeORM DataSource is registered' });
    if (!dataSource.isInitialized) return check.down({ message: 'the DataSource is not initialized' });
    try {
      await withTimeout(dataSource.query('SELECT 1'), this.timeoutMs);
      return check.up();
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
