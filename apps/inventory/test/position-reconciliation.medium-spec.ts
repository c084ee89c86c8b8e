import { DataSource } from 'typeorm';
import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import {
  ingest,
  placeOrder,
  positionMatching,
  received,
  service,
  useInventoryService,
} from './inventory-service-harness';
import { positionLedgers } from '../src/infrastructure/position-reconciliation.runner';

jest.setTimeout(90_000);

useInventoryService(__filename, 'ops=warehouse:write,inventory:read;root=admin');

const check = (key: string) =>
  service().inject({
    method: 'GET',
    url: '/inventory/reconciliation',
    headers: { authorization: `Bearer ${key}` },
  });

async function driftGauge(): Promise<number> {
  const text = (await service().inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith('opsline_inventory_reconciliation_drift '));
  return Number(line?.split(' ')[1]);
}

describe('GET /inventory/reconciliation', () => {
  it('reports ok while positions are what their ledgers add up to, and names a corrupted position', async () => {
    await ingest([received('GR-Q1', 'SKU-Q', 8, '2026-11-20T08:00:00.000Z')]);
    await placeOrder('ORD-Q1', '2026-11-20T09:00:00.000Z', [{ lineId: '1', sku: 'SKU-Q', quantity: 3 }]);
    await waitFor('ORD-Q1 reserved', positionMatching('SKU-Q', { onHand: 8, reserved: 3 }));

    expect((await check('ops')).statusCode).toBe(403);
    const ok = await check('root');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'ok', driftCount: 0, drift: [] });
    expect(ok.json().positionsCompared).toBeGreaterThanOrEqual(1);
    expect(ok.json().ledgerEntries).toBeGreaterThanOrEqual(2);
    expect(await driftGauge()).toBe(0);

    // a hand edit of the position (the ledger still says 8 on hand)
    await service()
      .get(DataSource)
      .query(
        `UPDATE inventory.stock_positions SET on_hand = 11 WHERE warehouse_id = 'WH-1' AND sku = 'SKU-Q'`,
      );
    const drift = await check('root');
    expect(drift.json()).toMatchObject({
      status: 'drift',
      driftCount: 1,
      drift: [{ warehouseId: 'WH-1', sku: 'SKU-Q', field: 'onHand', stored: 11, fromLedger: 8 }],
    });
    expect(await driftGauge()).toBe(1);
  });
});

describe('the ledger read for a check', () => {
  it('streams every position whole, one at a time, across page boundaries', async () => {
    await ingest([
      received('GR-P1', 'SKU-P1', 1, '2026-11-20T08:00:00.000Z'),
      received('GR-P2', 'SKU-P1', 2, '2026-11-20T08:01:00.000Z'),
      received('GR-P3', 'SKU-P1', 3, '2026-11-20T08:02:00.000Z'),
      received('GR-P4', 'SKU-P2', 4, '2026-11-20T08:03:00.000Z'),
      received('GR-P5', 'SKU-P3', 5, '2026-11-20T08:04:00.000Z'),
      received('GR-P6', 'SKU-P3', 6, '2026-11-20T08:05:00.000Z'),
    ]);
    await waitFor('SKU-P3 received', positionMatching('SKU-P3', { onHand: 11 }));
    const dataSource = service().get(DataSource);
    const everything = (await dataSource.query(
      `SELECT warehouse_id, sku, entry->>'receiptId' AS ref FROM inventory.stock_ledger`,
    )) as { warehouse_id: string; sku: string; ref: string | null }[];
    const expected = new Map<string, string[]>();
    for (const row of everything) {
      const key = `${row.warehouse_id}/${row.sku}`;
      expected.set(key, [...(expected.get(key) ?? []), String(row.ref)].sort());
    }
    const streamed = await dataSource.transaction(async (manager) => {
      const seen: [string, string[]][] = [];
      for await (const ledger of positionLedgers(manager, 2))
        seen.push([
          `${ledger.warehouseId}/${ledger.sku}`,
          ledger.entries.map((entry) => String('receiptId' in entry ? entry.receiptId : null)).sort(),
        ]);
      return seen;
    });
    expect(new Set(streamed.map(([key]) => key)).size).toBe(streamed.length);
    expect(new Map(streamed)).toEqual(expected);
    expect(new Map(streamed).get('WH-1/SKU-P1')).toEqual(['GR-P1', 'GR-P2', 'GR-P3']);
  });
});
