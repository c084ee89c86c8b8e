import { compareLedgerEntries, ledgerEntryKey, sortLedger, StockLedgerEntry } from './stock-ledger';

const base = { warehouseId: 'WH-1', sku: 'SKU-1', at: '2026-11-20T10:00:00.000Z' };

const atSameInstant: StockLedgerEntry[] = [
  { ...base, kind: 'count', countId: 'C-1', countedQuantity: 5 },
  { ...base, kind: 'release', orderId: 'ORD-1', lineId: '1', quantity: 1 },
  {
    ...base,
    kind: 'shipment',
    shipmentId: 'S-1',
    orderId: 'ORD-1',
    lineId: '1',
    quantity: 1,
    reservationConsumed: 1,
  },
  { ...base, kind: 'reservation', orderId: 'ORD-1', lineId: '1', trigger: 'allocation', quantity: 2 },
  { ...base, kind: 'adjustment', adjustmentId: 'A-1', quantityDelta: -1 },
  { ...base, kind: 'restock', returnId: 'RMA-1', lineId: '1', inspectionRef: 'ev-1', quantity: 1 },
  { ...base, kind: 'receipt', receiptId: 'R-1', quantity: 3 },
];

describe('ledger entry keys', () => {
  it('name each movement by the reference that identifies it', () => {
    expect(atSameInstant.map(ledgerEntryKey)).toEqual([
      'count:C-1',
      'release:ORD-1#1',
      'shipment:S-1#ORD-1#1',
      'reservation:ORD-1#1@allocation',
      'adjustment:A-1',
      'restock:RMA-1#1@ev-1',
      'receipt:R-1',
    ]);
  });

  it('tell apart two fills of one line from different arrivals', () => {
    const fill = (trigger: string): StockLedgerEntry => ({
      ...base,
      kind: 'reservation',
      orderId: 'ORD-1',
      lineId: '1',
      trigger,
      quantity: 1,
    });
    expect(ledgerEntryKey(fill('receipt:R-1'))).not.toBe(ledgerEntryKey(fill('receipt:R-2')));
  });
});

describe('ledger order', () => {
  it('sorts by business time first', () => {
    const late: StockLedgerEntry = {
      ...base,
      at: '2026-11-20T09:00:00.000Z',
      kind: 'count',
      countId: 'C-0',
      countedQuantity: 0,
    };
    expect(sortLedger([atSameInstant[6], late])[0]).toBe(late);
  });

  it('at one instant, brings stock in, then reserves, ships, releases, and counts last', () => {
    expect(sortLedger(atSameInstant).map((e) => e.kind)).toEqual([
      'receipt',
      'restock',
      'adjustment',
      'reservation',
      'shipment',
      'release',
      'count',
    ]);
  });

  it('is total: two different entries never compare equal, so arrival order cannot matter', () => {
    const a: StockLedgerEntry = { ...base, kind: 'receipt', receiptId: 'R-1', quantity: 3 };
    const conflicting: StockLedgerEntry = { ...a, quantity: 4 };
    expect(compareLedgerEntries(a, conflicting)).not.toBe(0);
    expect(sortLedger([a, conflicting])).toEqual(sortLedger([conflicting, a]));
  });

  it('does not change the array it is given', () => {
    const entries = [...atSameInstant];
    sortLedger(entries);
    expect(entries).toEqual(atSameInstant);
  });
});
