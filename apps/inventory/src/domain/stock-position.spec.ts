import fc from 'fast-check';

import { StockLedgerEntry } from './stock-ledger';
import {
  computeStockPosition,
  computeStockPositions,
  openReservationOf,
  withReservationChanges,
} from './stock-position';
import {
  adjustment,
  count,
  receipt,
  release,
  reservation,
  restock,
  shipment,
  SKU,
  t,
  WH,
} from './stock-position.fixtures';

const positionOf = (entries: StockLedgerEntry[]) => computeStockPosition(WH, SKU, entries).position;

describe('stock position: each movement', () => {
  it.each([
    ['a receipt adds to on-hand', [receipt(t(0), 10)], { onHand: 10, reserved: 0, available: 10 }],
    ['a restock adds to on-hand', [restock(t(0), 3)], { onHand: 3, reserved: 0, available: 3 }],
    [
      'a positive adjustment adds to on-hand',
      [receipt(t(0), 10), adjustment(t(1), 2)],
      { onHand: 12, reserved: 0, available: 12 },
    ],
    [
      'a negative adjustment takes from on-hand',
      [receipt(t(0), 10), adjustment(t(1), -4)],
      { onHand: 6, reserved: 0, available: 6 },
    ],
    [
      'a reservation holds units without moving them',
      [receipt(t(0), 10), reservation(t(1), 'ORD-1', 4)],
      { onHand: 10, reserved: 4, available: 6 },
    ],
    [
      'a release gives reserved units back',
      [receipt(t(0), 10), reservation(t(1), 'ORD-1', 4), release(t(2), 'ORD-1', 4)],
      { onHand: 10, reserved: 0, available: 10 },
    ],
    [
      'a shipment consumes its reservation',
      [receipt(t(0), 10), reservation(t(1), 'ORD-1', 4), shipment(t(2), 'ORD-1', 4, 4)],
      { onHand: 6, reserved: 0, available: 6 },
    ],
    [
      'a shipment beyond its reservation takes unreserved on-hand',
      [receipt(t(0), 10), reservation(t(1), 'ORD-1', 2), shipment(t(2), 'ORD-1', 5, 2)],
      { onHand: 5, reserved: 0, available: 5 },
    ],
    ['a count sets on-hand', [receipt(t(0), 10), count(t(1), 7)], { onHand: 7, reserved: 0, available: 7 }],
  ])('%s', (_name, entries, expected) => {
    expect(positionOf(entries)).toEqual({ warehouseId: WH, sku: SKU, ...expected });
  });

  it('explains each number: every entry with its change and the running totals', () => {
    const view = computeStockPosition(WH, SKU, [
      receipt(t(0), 10),
      reservation(t(1), 'ORD-1', 4),
      count(t(2), 8),
    ]);
    expect(
      view.explained.map((e) => [e.key, e.onHandDelta, e.reservedDelta, e.onHandAfter, e.reservedAfter]),
    ).toEqual([
      [`receipt:R-${t(0)}`, 10, 0, 10, 0],
      ['reservation:ORD-1#1@allocation', 0, 4, 10, 4],
      [`count:C-${t(2)}`, -2, 0, 8, 4],
    ]);
  });

  it('lets available go negative when a count finds fewer units than are reserved, keeping the reservations', () => {
    const view = computeStockPosition(WH, SKU, [
      receipt(t(0), 10),
      reservation(t(1), 'ORD-1', 8),
      count(t(2), 5),
    ]);
    expect(view.position).toMatchObject({ onHand: 5, reserved: 8, available: -3 });
    expect(openReservationOf(view, 'ORD-1', '1')).toBe(8);
  });

  it('lets on-hand go negative when a shipment is confirmed before the receipt it came from', () => {
    expect(positionOf([shipment(t(1), 'ORD-1', 3, 0)])).toMatchObject({ onHand: -3, available: -3 });
  });

  it('ignores an entry recorded twice, keeping it in the ledger marked as a duplicate', () => {
    const view = computeStockPosition(WH, SKU, [receipt(t(0), 10, 'R-1'), receipt(t(0), 10, 'R-1')]);
    expect(view.position.onHand).toBe(10);
    expect(view.explained.map((e) => e.duplicate)).toEqual([false, true]);
  });

  it('tracks open reservations per order line, forgetting lines with none left', () => {
    const view = computeStockPosition(WH, SKU, [
      receipt(t(0), 10),
      reservation(t(1), 'ORD-1', 3),
      reservation(t(1), 'ORD-2', 2),
      shipment(t(2), 'ORD-1', 3, 3),
    ]);
    expect([...view.openReservations]).toEqual([['ORD-2#1', 2]]);
  });

  it('ignores entries of other positions', () => {
    const elsewhere: StockLedgerEntry = { ...receipt(t(0), 5), warehouseId: 'WH-2' };
    expect(positionOf([receipt(t(0), 10), elsewhere]).onHand).toBe(10);
  });

  it('lists every position of a ledger by warehouse id, then SKU', () => {
    const entries: StockLedgerEntry[] = [
      { ...receipt(t(0), 1), warehouseId: 'WH-2' },
      { ...receipt(t(0), 2), sku: 'SKU-2' },
      receipt(t(0), 3),
    ];
    expect(
      computeStockPositions(entries).map((v) => [v.position.warehouseId, v.position.sku, v.position.onHand]),
    ).toEqual([
      ['WH-1', 'SKU-1', 3],
      ['WH-1', 'SKU-2', 2],
      ['WH-2', 'SKU-1', 1],
    ]);
  });
});

describe('stock position: cycle counts', () => {
  it('replaces on-hand with the count, and applies later movements on top of it', () => {
    expect(
      positionOf([receipt(t(0), 10), adjustment(t(1), -1), count(t(2), 6), receipt(t(3), 4)]).onHand,
    ).toBe(10);
  });

  it('uses the last count by business time, not the last to arrive', () => {
    const entries = [receipt(t(0), 10), count(t(5), 4), count(t(2), 9)];
    expect(positionOf(entries).onHand).toBe(4);
  });

  it('gives a late count the same result as if it had arrived in order', () => {
    const inOrder = [receipt(t(0), 10), count(t(2), 8), shipment(t(3), 'ORD-1', 3, 0), receipt(t(4), 5)];
    const lateCount = [inOrder[0], inOrder[2], inOrder[3], inOrder[1]];
    expect(positionOf(lateCount)).toEqual(positionOf(inOrder));
    expect(positionOf(lateCount).onHand).toBe(10);
  });

  it('lets a count replace a movement at the same instant, which is not after it', () => {
    expect(positionOf([count(t(1), 5), receipt(t(1), 3)]).onHand).toBe(5);
  });

  it('judges a count accurate when it equals on-hand at its business time', () => {
    const view = computeStockPosition(WH, SKU, [
      receipt(t(0), 10),
      count(t(1), 10),
      shipment(t(2), 'ORD-1', 2, 0),
    ]);
    expect(view.counts).toEqual([
      {
        countId: `C-${t(1)}`,
        warehouseId: WH,
        sku: SKU,
        at: t(1),
        countedQuantity: 10,
        onHandAtCount: 10,
        countAccurate: true,
      },
    ]);
  });

  it('judges a count against what happened before it by business time, even when a movement arrives later', () => {
    const view = computeStockPosition(WH, SKU, [receipt(t(0), 10), count(t(2), 10), adjustment(t(1), -1)]);
    expect(view.counts[0]).toMatchObject({ onHandAtCount: 9, countAccurate: false });
  });
});

describe('withReservationChanges', () => {
  const minutes = fc.integer({ min: 0, max: 300 });
  const onHandMover = fc.oneof(
    fc
      .record({ minute: minutes, quantity: fc.integer({ min: 1, max: 9 }) })
      .map(({ minute, quantity }) => receipt(t(minute), quantity, `R-${minute}-${quantity}`)),
    fc
      .record({ minute: minutes, counted: fc.integer({ min: 0, max: 9 }) })
      .map(({ minute, counted }): StockLedgerEntry => ({
        kind: 'count',
        warehouseId: WH,
        sku: SKU,
        at: t(minute),
        countId: `C-${minute}-${counted}`,
        countedQuantity: counted,
      })),
  );
  const reservationChange = fc
    .record({
      minute: minutes,
      order: fc.integer({ min: 1, max: 40 }),
      quantity: fc.integer({ min: 1, max: 4 }),
    })
    .chain(({ minute, order, quantity }) =>
      fc.constantFrom<StockLedgerEntry>(
        {
          kind: 'reservation',
          warehouseId: WH,
          sku: SKU,
          at: t(minute),
          orderId: `O-${order}`,
          lineId: '1',
          trigger: 'allocation',
          quantity,
        },
        {
          kind: 'release',
          warehouseId: WH,
          sku: SKU,
          at: t(minute),
          orderId: `O-${order}`,
          lineId: '1',
          quantity,
        },
      ),
    );

  it('equals the fold of the whole ledger, whatever the business times of the new entries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(onHandMover, reservationChange), { maxLength: 30 }),
        fc.array(reservationChange, { maxLength: 10 }),
        (history, added) => {
          const stored = computeStockPosition(WH, SKU, history).position;
          const historyKeys = new Set(history.map((entry) => JSON.stringify(entry)));
          const fresh = added.filter((entry) => !historyKeys.has(JSON.stringify(entry)));
          const unique = computeStockPosition(WH, SKU, [...history, ...fresh]);
          // the fold skips a second entry of a key; new entries are new keys by construction
          fc.pre(unique.explained.every((explained) => !explained.duplicate));
          expect(withReservationChanges(stored, fresh)).toEqual(unique.position);
        },
      ),
    );
  });

  it('refuses an entry that moves on-hand', () => {
    const position = computeStockPosition(WH, SKU, [receipt(t(0), 5)]).position;
    expect(() => withReservationChanges(position, [receipt(t(1), 1)])).toThrow(/moves on-hand/);
  });
});
