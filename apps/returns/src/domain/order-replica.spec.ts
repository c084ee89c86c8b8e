import { applyOrderSnapshot, lineLastShippedAt } from './order-replica';

const base = {
  orderId: 'ORD-1',
  channel: 'webshop',
  currency: 'EUR',
  lines: [{ lineId: '1', sku: 'SKU-1', quantity: 3, unitPriceMinor: 1000 }],
};

describe('the order replica', () => {
  it('records shipments once by id and knows each line’s latest shipment time', () => {
    const first = applyOrderSnapshot(null, {
      ...base,
      lines: [{ ...base.lines[0], shippedQuantity: 1 }],
      shipment: {
        shipmentId: 'S1',
        shippedAt: '2026-11-01T00:00:00.000Z',
        lines: [{ lineId: '1', quantity: 1 }],
      },
    });
    const replayed = applyOrderSnapshot(first, {
      ...base,
      lines: [{ ...base.lines[0], shippedQuantity: 1 }],
      shipment: {
        shipmentId: 'S1',
        shippedAt: '2026-11-01T00:00:00.000Z',
        lines: [{ lineId: '1', quantity: 1 }],
      },
    });
    const second = applyOrderSnapshot(replayed, {
      ...base,
      lines: [{ ...base.lines[0], shippedQuantity: 3 }],
      shipment: {
        shipmentId: 'S2',
        shippedAt: '2026-11-05T00:00:00.000Z',
        lines: [{ lineId: '1', quantity: 2 }],
      },
    });
    expect(replayed.shipments).toHaveLength(1);
    expect(second.shipments).toHaveLength(2);
    expect(lineLastShippedAt(second, '1')).toBe('2026-11-05T00:00:00.000Z');
  });

  it('never takes back shipped units when an older snapshot (order-placed) arrives after a shipment', () => {
    const shipped = applyOrderSnapshot(null, { ...base, lines: [{ ...base.lines[0], shippedQuantity: 2 }] });
    expect(applyOrderSnapshot(shipped, base).lines[0].shippedQuantity).toBe(2);
  });
});
