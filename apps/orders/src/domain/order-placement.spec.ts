import { decidePlacement, decidePlacements, OrderPlacement, placementFingerprint } from './order-placement';

const placement: OrderPlacement = {
  orderId: 'ORD-1',
  channel: 'webshop',
  currency: 'EUR',
  placedAt: '2026-11-20T10:00:00.000Z',
  promisedShipBy: '2026-11-21T10:00:00.000Z',
  lines: [
    { lineId: '1', sku: 'SKU-1', quantity: 2, unitPriceMinor: 100 },
    { lineId: '2', sku: 'SKU-2', quantity: 1, unitPriceMinor: 50 },
  ],
};

describe('decidePlacement', () => {
  it('creates an order not seen before', () => {
    expect(decidePlacement(null, placement)).toBe('create');
  });

  it('treats the same content, lines in another order, as a duplicate', () => {
    const reordered = { ...placement, lines: [...placement.lines].reverse() };
    expect(decidePlacement(placementFingerprint(placement), reordered)).toBe('duplicate');
  });

  it.each([
    ['a changed quantity', { lines: [{ ...placement.lines[0], quantity: 3 }, placement.lines[1]] }],
    ['another channel', { channel: 'marketplace' }],
    ['a warehouse added', { warehouseId: 'WH-1' }],
  ])('treats the same order id with %s as a conflict', (_name, change) => {
    expect(decidePlacement(placementFingerprint(placement), { ...placement, ...change })).toBe('conflict');
  });
});

describe('decidePlacements', () => {
  const other: OrderPlacement = { ...placement, orderId: 'ORD-2' };
  const changed: OrderPlacement = { ...placement, channel: 'marketplace' };

  it('creates each order not seen before, in the order given', () => {
    expect(decidePlacements(new Map(), [placement, other])).toEqual(['create', 'create']);
  });

  it('judges against the stored fingerprint as a single placement would', () => {
    const stored = new Map([[placement.orderId, placementFingerprint(placement)]]);
    expect(decidePlacements(stored, [placement, changed, other])).toEqual([
      'duplicate',
      'conflict',
      'create',
    ]);
  });

  it('treats a repeat of an order created earlier in the run as a duplicate, other content as a conflict', () => {
    const reordered = { ...placement, lines: [...placement.lines].reverse() };
    expect(decidePlacements(new Map(), [placement, reordered, changed])).toEqual([
      'create',
      'duplicate',
      'conflict',
    ]);
  });
});
