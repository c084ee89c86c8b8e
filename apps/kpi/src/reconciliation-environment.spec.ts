import { ConfigValidationError, loadConfig } from '@opsline/platform';
import { KpiEnvironment } from './kpi.environment';

const BASE = { DATABASE_URL: 'postgres://u:p@localhost:5432/opsline', KAFKA_BROKERS: 'localhost:9092' };

describe('reconciliation settings', () => {
  it('reconcile hourly by default, give a replay 10 minutes, and take 0 as "on demand only"', () => {
    expect(loadConfig(KpiEnvironment, BASE)).toMatchObject({
      KPI_RECONCILIATION_INTERVAL_MS: 3_600_000,
      KPI_RECONCILIATION_TIMEOUT_MS: 600_000,
    });
    expect(loadConfig(KpiEnvironment, { ...BASE, KPI_RECONCILIATION_INTERVAL_MS: '0' })).toMatchObject({
      KPI_RECONCILIATION_INTERVAL_MS: 0,
    });
  });

  it.each([
    ['KPI_RECONCILIATION_INTERVAL_MS', '-1'],
    ['KPI_RECONCILIATION_INTERVAL_MS', 'hourly'],
    ['KPI_RECONCILIATION_TIMEOUT_MS', '0'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(() => loadConfig(KpiEnvironment, { ...BASE, [name]: value })).toThrow(ConfigValidationError);
    expect(() => loadConfig(KpiEnvironment, { ...BASE, [name]: value })).toThrow(name);
  });
});
