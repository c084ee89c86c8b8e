import { DataSource } from 'typeorm';
import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import type { TopicEvent } from '../src/domain/kpi.fixtures';
import { kpiScenario, shuffledWithDuplicates } from './kpi-scenario';
import { AUTH, KpiStack, startKpiStack } from './kpi-stack';

jest.setTimeout(180_000);

const READER = { authorization: 'Bearer reader-key' };

interface Drift {
  metric: string;
  bucketStart: string;
  filter: { warehouseId: string | null; sku: string | null; channel: string | null };
  expected: number | null;
  actual: number | null;
}

interface Reconciliation {
  status: string;
  trigger?: string;
  checkedAt?: string;
  eventsApplied: number;
  bucketsCompared: number;
  range: { from: string; to: string } | null;
  driftCount: number;
  drift: Drift[];
  positions: {
    compared: number;
    driftCount: number;
    drift: { warehouseId: string; sku: string; field: string; expected: number; actual: number }[];
  };
}

let stack: KpiStack;

/** A second scenario whose orders, returns and counts have ids of their own (`ORDB-1`, …). */
function secondScenario(): TopicEvent[] {
  return shuffledWithDuplicates(kpiScenario(777, 60), 6, 10).map(
    (event) =>
      JSON.parse(
        JSON.stringify(event).replace(/\b(ORD|RMA|CNT)-/g, (_match, prefix: string) => `${prefix}B-`),
      ) as TopicEvent,
  );
}

const sql = <T>(text: string): Promise<T> => stack.app.get(DataSource).query(text) as Promise<T>;

const get = async (
  headers: Record<string, string> = READER,
): Promise<{ statusCode: number; body: Reconciliation }> => {
  const response = await stack.app.inject({ method: 'GET', url: '/kpis/reconciliation', headers });
  return { statusCode: response.statusCode, body: response.json() };
};

const post = (headers: Record<string, string>) =>
  stack.app.inject({ method: 'POST', url: '/kpis/reconciliation', headers });

/** Starts a reconciliation on demand and waits for its result. */
async function reconcileNow(): Promise<Reconciliation> {
  const started = await post(AUTH);
  expect(started.statusCode).toBe(202);
  expect(started.json()).toMatchObject({ status: 'running', trigger: 'on-demand' });
  return waitFor(
    'the reconciliation to finish',
    async () => {
      const { body } = await get();
      return body.status === 'running' ? undefined : body;
    },
    120_000,
  );
}

/** A gauge's value as `GET /metrics` shows it. */
async function gauge(name: string): Promise<number> {
  const text = (await stack.app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`${name} not in /metrics`);
  return Number(line.split(' ')[1]);
}

beforeAll(async () => {
  stack = await startKpiStack(__filename, {
    OPSLINE_API_KEYS: 'dev-key=admin;reader-key=kpi:read',
    KPI_RECONCILIATION_INTERVAL_MS: '0',
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('KPI reconciliation (GET/POST /kpis/reconciliation)', () => {
  it('says never-run before the first run, and only an admin may start one', async () => {
    expect(await get()).toEqual({ statusCode: 200, body: { status: 'never-run' } });
    expect((await get({})).statusCode).toBe(401);
    expect((await post(READER)).statusCode).toBe(403);
    expect((await post({})).statusCode).toBe(401);
  });

  it('reports ok when the read models match the topics (messy delivery with duplicates)', async () => {
    await stack.publish(shuffledWithDuplicates(kpiScenario(20261125, 80), 5, 30), 9);
    await stack.waitUntilApplied();

    const result = await reconcileNow();
    expect(result).toMatchObject({ status: 'ok', trigger: 'on-demand', driftCount: 0, drift: [] });
    expect(result.eventsApplied).toBeGreaterThan(200);
    // day buckets of the unfiltered model, of each warehouse and of each channel
    expect(result.bucketsCompared).toBeGreaterThanOrEqual(5 * 4);
    expect(result.positions.compared).toBeGreaterThan(0);
    expect(result.positions).toMatchObject({ driftCount: 0, drift: [] });
    expect(await gauge('opsline_kpi_reconciliation_drift')).toBe(0);
    expect(await gauge('opsline_kpi_reconciliation_last_run_timestamp_seconds')).toBe(
      Date.parse(result.checkedAt as string) / 1000,
    );
  });

  it('stays ok while events keep arriving during the check (one database snapshot)', async () => {
    const publishing = stack.publish(secondScenario(), 2);
    const during = await reconcileNow();
    await publishing;
    expect(during).toMatchObject({ status: 'ok', driftCount: 0 });
    await stack.waitUntilApplied();
    const after = await reconcileNow();
    expect(after).toMatchObject({ status: 'ok', driftCount: 0 });
    expect(after.eventsApplied).toBeGreaterThan(during.eventsApplied);
  });

  it('names the bucket, metric and filter of a corrupted read-model row, and the gauges count it', async () => {
    // an UPDATE … RETURNING answers [rows, affected count]
    const [[order]] = await sql<
      [{ placed_at: Date; warehouse_id: string | null; channel: string }[], number]
    >(
      `UPDATE kpi.order_facts SET units_ordered = units_ordered + 5
       WHERE order_id = (SELECT min(order_id) FROM kpi.order_facts)
       RETURNING order_id, placed_at, warehouse_id, channel`,
    );
    const [[position]] = await sql<[{ warehouse_id: string; sku: string; reserved: number }[], number]>(
      `UPDATE kpi.position_facts SET reserved = reserved + 1
       WHERE (warehouse_id, sku) = (SELECT warehouse_id, sku FROM kpi.position_facts ORDER BY 1, 2 LIMIT 1)
       RETURNING warehouse_id, sku, reserved`,
    );
    const day = new Date(Math.floor(order.placed_at.getTime() / 86_400_000) * 86_400_000).toISOString();

    const result = await reconcileNow();
    const filters = [
      { warehouseId: null, sku: null, channel: null },
      ...(order.warehouse_id === null ? [] : [{ warehouseId: order.warehouse_id, sku: null, channel: null }]),
      { warehouseId: null, sku: null, channel: order.channel },
    ];
    expect(result.status).toBe('drift');
    expect(result.drift).toHaveLength(filters.length);
    expect(result.drift).toEqual(
      expect.arrayContaining(
        filters.map((filter) =>
          expect.objectContaining({ metric: 'unitsOrdered', bucketStart: day, filter }),
        ),
      ),
    );
    for (const drift of result.drift) expect((drift.actual as number) - (drift.expected as number)).toBe(5);
    expect(result.positions.drift).toEqual([
      {
        warehouseId: position.warehouse_id,
        sku: position.sku,
        field: 'reserved',
        expected: position.reserved - 1,
        actual: position.reserved,
      },
    ]);
    expect(await gauge('opsline_kpi_reconciliation_drift')).toBe(filters.length);
    expect(await gauge('opsline_kpi_reconciliation_position_drift')).toBe(1);

    // GET keeps showing that latest result, from the table it is kept in
    const latest = await get();
    expect(latest.statusCode).toBe(200);
    expect(latest.body).toEqual(result);
    const [{ count }] = await sql<{ count: string }[]>(
      `SELECT count(*) AS count FROM kpi.reconciliation_results`,
    );
    expect(Number(count)).toBe(4);
  });
});
