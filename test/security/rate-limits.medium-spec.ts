/**
 * Rate limiting per API key on every service: with a small budget configured, a key that spends it
 * gets 429 with `Retry-After` on resource and ingest routes alike, while another key still gets
 * through and the health routes stay open.
 */
import {
  bearer,
  KEYS,
  SecuritySystem,
  SERVICE_NAMES,
  startSecuritySystem,
  stopSecuritySystem,
} from './security-system';

const BURST = 4;
const READ_ROUTE: Record<(typeof SERVICE_NAMES)[number], string> = {
  orders: '/orders',
  returns: '/returns',
  inventory: '/inventory/positions',
  kpi: '/kpis?from=2026-11-01T00:00:00.000Z&to=2026-11-02T00:00:00.000Z&granularity=day',
};

let system: SecuritySystem;

beforeAll(async () => {
  system = await startSecuritySystem(__filename, {
    vars: { HTTP_RATE_LIMIT_PER_SECOND: '1', HTTP_RATE_LIMIT_BURST: String(BURST) },
  });
});

afterAll(async () => {
  await stopSecuritySystem(system);
});

describe.each(SERVICE_NAMES)('%s', (service) => {
  it('answers 429 with Retry-After once a key spent its budget, and another key still gets through', async () => {
    const app = system.apps[service];
    const get = (key: string) =>
      app.inject({ method: 'GET', url: READ_ROUTE[service], headers: bearer(key) });
    // all at once: sent one by one, slow answers would let the budget refill (1 a second) in between
    const statuses = await Promise.all(Array.from({ length: BURST + 1 }, () => get(KEYS.admin)));
    expect(statuses.map((response) => response.statusCode).sort()).toEqual([
      ...Array<number>(BURST).fill(200),
      429,
    ]);

    const refused = statuses.find((response) => response.statusCode === 429);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused?.json()).toMatchObject({ error: { code: 'REQUEST.RATE_LIMITED' } });

    const other = KEYS.allBut['returns:write'];
    expect((await get(other)).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});

it('limits the ingest twins per key too', async () => {
  const key = KEYS.warehouseWriteWh1;
  const post = () =>
    system.apps.inventory.inject({
      method: 'POST',
      url: '/ingest/warehouse',
      headers: { ...bearer(key), 'content-type': 'application/cloudevents-batch+json' },
      payload: '[]',
    });
  const statuses = (await Promise.all(Array.from({ length: BURST + 1 }, post))).map(
    (response) => response.statusCode,
  );
  expect(statuses.filter((status) => status === 429)).toHaveLength(1);
});
