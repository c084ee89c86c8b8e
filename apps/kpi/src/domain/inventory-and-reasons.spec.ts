import { daysOfSupply, isBelowReorderPoint } from './inventory-kpis';
import { reasonShares } from './return-reasons';

describe('inventory position KPIs', () => {
  it('divides available by the average daily shipments of the last 28 days, null when none shipped', () => {
    expect(daysOfSupply(100, 56)).toBe(50);
    expect(daysOfSupply(-4, 28)).toBe(-4);
    expect(daysOfSupply(100, 0)).toBeNull();
  });

  it('is below the reorder point only strictly below it, and never without one', () => {
    expect(isBelowReorderPoint(9, 10)).toBe(true);
    expect(isBelowReorderPoint(10, 10)).toBe(false);
    expect(isBelowReorderPoint(0, null)).toBe(false);
  });
});

describe('return reason shares', () => {
  it('orders reasons by units, most first, ties by code, with shares of all units', () => {
    expect(
      reasonShares([
        { reasonCode: 'SIZE_FIT', units: 2 },
        { reasonCode: 'DAMAGED', units: 6 },
        { reasonCode: 'OTHER', units: 2 },
        { reasonCode: 'WRONG_ITEM', units: 0 },
      ]),
    ).toEqual([
      { reasonCode: 'DAMAGED', units: 6, share: 0.6 },
      { reasonCode: 'OTHER', units: 2, share: 0.2 },
      { reasonCode: 'SIZE_FIT', units: 2, share: 0.2 },
    ]);
    expect(reasonShares([])).toEqual([]);
  });
});
