import { INVENTORY_TOPIC, validateCloudEvent } from '@opsline/contracts';
import { allocateOrder } from '../domain/allocation';
import { consumeForShipment } from '../domain/backorder-queue';
import { detectLevelLow } from '../domain/reorder-policy';
import { inventoryOutboxEntries } from './inventory-wire-events';

const stock: Record<string, number> = { 'SKU-42': 2, 'SKU-7': 0 };

function allocation() {
  const decision = allocateOrder(
    {
      orderId: 'ORD-1',
      placedAt: '2026-11-20T10:00:00.000Z',
      warehouseId: 'WH-1',
      lines: [
        { lineId: '1', sku: 'SKU-42', quantity: 2 },
        { lineId: '2', sku: 'SKU-7', quantity: 3 },
      ],
    },
    ['WH-1'],
    (_warehouseId, sku) => stock[sku] ?? 0,
  );
  if (!decision.ok) throw new Error('expected an allocation');
  return decision;
}

describe('inventoryOutboxEntries', () => {
  it('publishes a partial allocation as stock-reserved and stock-backordered, both carrying the first attempt', () => {
    const decision = allocation();
    const entries = inventoryOutboxEntries(decision.events, { eventId: 'e-1' }, decision.lines);

    expect(entries.map((entry) => [entry.topic, entry.event.type, entry.event.subject])).toEqual([
      [INVENTORY_TOPIC, 'opsline.inventory.stock-reserved.v1', 'ORD-1'],
      [INVENTORY_TOPIC, 'opsline.inventory.stock-backordered.v1', 'ORD-1'],
    ]);
    const firstAttempt = [
      { lineId: '1', sku: 'SKU-42', ordered: 2, reserved: 2, backordered: 0 },
      { lineId: '2', sku: 'SKU-7', ordered: 3, reserved: 0, backordered: 3 },
    ];
    expect(entries.map((entry) => (entry.event.data as { firstAttempt: unknown }).firstAttempt)).toEqual([
      firstAttempt,
      firstAttempt,
    ]);
  });

  it('produces events that pass their own contract validation', () => {
    const decision = allocation();
    const shipped = consumeForShipment(
      {
        shipmentId: 'SHP-1',
        orderId: 'ORD-1',
        warehouseId: 'WH-1',
        at: '2026-11-20T15:00:00.000Z',
        lines: [{ lineId: '1', sku: 'SKU-42', quantity: 2 }],
      },
      () => 2,
      [],
    ).event;
    const low = detectLevelLow({
      warehouseId: 'WH-1',
      sku: 'SKU-42',
      at: '2026-11-20T15:00:00.000Z',
      before: { available: 5, reorderPoint: 3 },
      after: { available: -1, reorderPoint: 3 },
    });
    const events = [...decision.events, shipped, ...(low === null ? [] : [low])];
    const entries = inventoryOutboxEntries(events, { eventId: 'e-1', correlationId: 'c-1' }, decision.lines);

    expect(entries).toHaveLength(4);
    for (const entry of entries) {
      const result = validateCloudEvent(JSON.parse(JSON.stringify(entry.event)));
      expect(result.ok ? 'valid' : result.errors).toBe('valid');
    }
    expect(entries[3].event.subject).toBe('WH-1:SKU-42');
  });

  it('publishes a release as stock-released keyed by the order', () => {
    const released = {
      type: 'stock.released' as const,
      orderId: 'ORD-1',
      warehouseId: 'WH-1',
      at: '2026-11-20T15:00:00.000Z',
      lines: [{ lineId: '1', sku: 'SKU-42', released: 2, backorderDropped: 1 }],
    };
    const entries = inventoryOutboxEntries([released], { eventId: 'e-1' });
    expect(entries.map((entry) => [entry.event.type, entry.event.subject])).toEqual([
      ['opsline.inventory.stock-released.v1', 'ORD-1'],
    ]);
    const result = validateCloudEvent(JSON.parse(JSON.stringify(entries[0].event)));
    expect(result.ok ? 'valid' : result.errors).toBe('valid');
  });
});
