import fc from 'fast-check';
import { refundLine } from './refund';

const line = { lineId: '1', sku: 'SKU-1', unitPriceMinor: 1999 };

describe('refundLine', () => {
  it('refunds the full price of each unit for a reason without a fee', () => {
    expect(refundLine({ ...line, reasonCode: 'DAMAGED' }, 2, 10)).toEqual({
      lineId: '1',
      sku: 'SKU-1',
      quantity: 2,
      unitPriceMinor: 1999,
      restockingFeeMinor: 0,
      amountMinor: 3998,
    });
  });

  it.each([
    // 10% of 1999 = 199.9 → 200; of 3998 = 399.8 → 400
    ['SIZE_FIT', 1, 10, 200, 1799, 1999],
    ['NO_LONGER_NEEDED', 2, 10, 400, 3598, 1999],
    // 5% of 1990 = 99.5 → rounds half up to 100
    ['SIZE_FIT', 1, 5, 100, 1890, 1990],
    // 5% of 1989 = 99.45 → 99
    ['SIZE_FIT', 1, 5, 99, 1890, 1989],
    ['SIZE_FIT', 1, 0, 0, 1999, 1999],
  ] as const)(
    'keeps back the fee for %s (%d units at %d%%), rounded half-up: fee %d, refund %d (unit price %d)',
    (reasonCode, quantity, percent, fee, amount, unitPriceMinor) => {
      const refund = refundLine({ ...line, unitPriceMinor, reasonCode }, quantity, percent);
      expect(refund.restockingFeeMinor).toBe(fee);
      expect(refund.amountMinor).toBe(amount);
    },
  );

  it('never refunds less than zero nor more than the price paid, and the parts always add up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 100 }),
        (unitPriceMinor, quantity, percent) => {
          const refund = refundLine({ ...line, unitPriceMinor, reasonCode: 'SIZE_FIT' }, quantity, percent);
          expect(refund.amountMinor + refund.restockingFeeMinor).toBe(quantity * unitPriceMinor);
          expect(refund.amountMinor).toBeGreaterThanOrEqual(0);
          expect(
            Math.abs(refund.restockingFeeMinor - (quantity * unitPriceMinor * percent) / 100),
          ).toBeLessThanOrEqual(0.5);
        },
      ),
    );
  });
});
