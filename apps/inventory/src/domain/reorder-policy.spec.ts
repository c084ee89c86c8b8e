import fc from 'fast-check';

import {
  daysOfSupply,
  daysOfSupplyOfPosition,
  detectLevelLow,
  isBelowReorderPoint,
  StockLevel,
  unitsShippedInWindow,
} from './reorder-policy';
import { StockLedgerEntry } from './stock-ledger';
import { computeStockPosition } from './stock-position';

const change = (before: StockLevel, after: StockLevel) =>
  detectLevelLow({ warehouseId: 'WH-1', sku: 'SKU-1', at: '2026-11-20T10:00:00.000Z', before, after });

describe('stock.level-low', () => {
  it('fires when available crosses from at the reorder point to below it', () => {
    expect(change({ available: 10, reorderPoint: 10 }, { available: 9, reorderPoint: 10 })).toEqual({
      type: 'stock.level-low',
      warehouseId: 'WH-1',
      sku: 'SKU-1',
      at: '2026-11-20T10:00:00.000Z',
      available: 9,
      reorderPoint: 10,
    });
  });

  it('does not fire again for movements while available stays below', () => {
    expect(change({ available: 9, reorderPoint: 10 }, { available: 3, reorderPoint: 10 })).toBeNull();
  });

  it('does not fire when available drops but stays at or above the point', () => {
    expect(change({ available: 15, reorderPoint: 10 }, { available: 10, reorderPoint: 10 })).toBeNull();
  });

  it('fires again after available has recovered and crosses down once more', () => {
    const levels = [12, 8, 5, 11, 9].map((available) => ({ available, reorderPoint: 10 }));
    const fired = levels.slice(1).map((after, i) => change(levels[i], after) !== null);
    expect(fired).toEqual([true, false, false, true]);
  });

  it('fires when a new policy puts current stock below its point', () => {
    expect(change({ available: 4, reorderPoint: null }, { available: 4, reorderPoint: 5 })).not.toBeNull();
    expect(change({ available: 4, reorderPoint: 3 }, { available: 4, reorderPoint: 5 })).not.toBeNull();
  });

  it('never fires for a position without a policy', () => {
    expect(isBelowReorderPoint({ available: -5, reorderPoint: null })).toBe(false);
    expect(change({ available: 5, reorderPoint: null }, { available: -5, reorderPoint: null })).toBeNull();
  });

  it('fires exactly once per down-crossing over any walk of available stock', () => {
    fc.assert(
      fc.property(
        fc.nat(20),
        fc.array(fc.integer({ min: -10, max: 30 }), { minLength: 1, maxLength: 50 }),
        (point, walk) => {
          const levels = walk.map((available) => ({ available, reorderPoint: point }));
          const fired = levels.slice(1).filter((after, i) => change(levels[i], after) !== null).length;
          const downCrossings = walk.slice(1).filter((a, i) => walk[i] >= point && a < point).length;
          expect(fired).toBe(downCrossings);
        },
      ),
    );
  });

  it('counts negative available as below a reorder point of 0', () => {
    expect(change({ available: 0, reorderPoint: 0 }, { available: -1, reorderPoint: 0 })).not.toBeNull();
  });
});

describe('daysOfSupply', () => {
  const asOf = '2026-11-29T00:00:00.000Z';

  it('divides available by the average daily units shipped over the last 28 days', () => {
    // 56 units in 28 days = 2 a day; 10 available last 5 days
    expect(daysOfSupply(10, [{ at: '2026-11-20T10:00:00.000Z', quantity: 56 }], asOf)).toBe(5);
  });

  it('is null when nothing shipped in the window', () => {
    expect(daysOfSupply(10, [], asOf)).toBeNull();
    expect(daysOfSupply(10, [{ at: '2026-10-01T00:00:00.000Z', quantity: 5 }], asOf)).toBeNull();
  });

  it('counts shipments after the window start up to and including asOf, not later ones', () => {
    const shipments = [
      { at: '2026-11-01T00:00:00.000Z', quantity: 1 }, // exactly 28 days before: out
      { at: '2026-11-01T00:00:00.001Z', quantity: 2 },
      { at: asOf, quantity: 4 },
      { at: '2026-11-29T00:00:00.001Z', quantity: 8 },
    ];
    expect(unitsShippedInWindow(shipments, asOf)).toBe(6);
  });

  it('is negative when available is, showing how deep the shortfall is', () => {
    expect(daysOfSupply(-14, [{ at: '2026-11-20T10:00:00.000Z', quantity: 28 }], asOf)).toBe(-14);
  });

  it('reads a position’s shipments from its ledger, counting a duplicate once', () => {
    const shipped: StockLedgerEntry = {
      kind: 'shipment',
      warehouseId: 'WH-1',
      sku: 'SKU-1',
      at: '2026-11-20T10:00:00.000Z',
      shipmentId: 'S-1',
      orderId: 'ORD-1',
      lineId: '1',
      quantity: 7,
      reservationConsumed: 0,
    };
    const received: StockLedgerEntry = {
      kind: 'receipt',
      warehouseId: 'WH-1',
      sku: 'SKU-1',
      at: '2026-11-19T10:00:00.000Z',
      receiptId: 'R-1',
      quantity: 21,
    };
    const view = computeStockPosition('WH-1', 'SKU-1', [received, shipped, shipped]);
    // available 14, 7 shipped in 28 days = 0.25 a day
    expect(daysOfSupplyOfPosition(view, asOf)).toBe(56);
  });
});
