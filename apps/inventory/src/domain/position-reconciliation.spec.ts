import { positionsAgainstLedger } from './position-reconciliation';
import type { StockLedgerEntry } from './stock-ledger';

const at = (hour: number): string => `2026-11-16T${String(hour).padStart(2, '0')}:00:00.000Z`;

const ledger: StockLedgerEntry[] = [
  { kind: 'receipt', warehouseId: 'WH-1', sku: 'SKU-A', at: at(8), receiptId: 'R-1', quantity: 10 },
  {
    kind: 'reservation',
    warehouseId: 'WH-1',
    sku: 'SKU-A',
    at: at(9),
    orderId: 'O-1',
    lineId: 'L-1',
    trigger: 'allocation',
    quantity: 4,
  },
  { kind: 'count', warehouseId: 'WH-1', sku: 'SKU-B', at: at(10), countId: 'C-1', countedQuantity: 7 },
];

describe('positions against the stock ledger', () => {
  it('finds nothing when each stored position is what its ledger adds up to', () => {
    expect(
      positionsAgainstLedger(
        [
          { warehouseId: 'WH-1', sku: 'SKU-A', onHand: 10, reserved: 4 },
          { warehouseId: 'WH-1', sku: 'SKU-B', onHand: 7, reserved: 0 },
          // a reorder policy's empty row: no entries, nothing on hand
          { warehouseId: 'WH-2', sku: 'SKU-A', onHand: 0, reserved: 0 },
        ],
        ledger,
      ),
    ).toEqual([]);
  });

  it('names the position and field whose stored number differs, and a position with no row', () => {
    expect(
      positionsAgainstLedger(
        [
          { warehouseId: 'WH-1', sku: 'SKU-A', onHand: 11, reserved: 4 },
          { warehouseId: 'WH-2', sku: 'SKU-C', onHand: 0, reserved: 2 },
        ],
        ledger,
      ),
    ).toEqual([
      { warehouseId: 'WH-1', sku: 'SKU-A', field: 'onHand', stored: 11, fromLedger: 10 },
      { warehouseId: 'WH-1', sku: 'SKU-B', field: 'onHand', stored: 0, fromLedger: 7 },
      { warehouseId: 'WH-2', sku: 'SKU-C', field: 'reserved', stored: 2, fromLedger: 0 },
    ]);
  });
});
