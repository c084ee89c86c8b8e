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
