import { ConfigValidationError, loadConfig } from '@opsline/platform';
import { InventoryEnvironment } from './inventory.environment';

const BASE = { DATABASE_URL: 'postgres://u:p@localhost:5432/opsline', KAFKA_BROKERS: 'localhost:9092' };

describe('INVENTORY_RECONCILIATION_INTERVAL_MS', () => {
  it('checks positions against the ledger hourly by default; 0 means on demand only', () => {
    expect(loadConfig(InventoryEnvironment, BASE)).toMatchObject({
      INVENTORY_RECONCILIATION_INTERVAL_MS: 3_600_000,
    });
    expect(
      loadConfig(InventoryEnvironment, { ...BASE, INVENTORY_RECONCILIATION_INTERVAL_MS: '0' }),
    ).toMatchObject({ INVENTORY_RECONCILIATION_INTERVAL_MS: 0 });
  });

  it.each(['-1', '1.5', 'hourly'])('refuses %s, naming the variable', (value) => {
    const load = () =>
      loadConfig(InventoryEnvironment, { ...BASE, INVENTORY_RECONCILIATION_INTERVAL_MS: value });
    expect(load).toThrow(ConfigValidationError);
    expect(load).toThrow('INVENTORY_RECONCILIATION_INTERVAL_MS');
  });
});
