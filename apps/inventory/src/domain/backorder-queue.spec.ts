import fc from 'fast-check';

import {
  Backorder,
  consumeForShipment,
  enqueueBackorders,
  fillBackorders,
  releaseCancelledOrder,
  StockArrival,
} from './backorder-queue';

const t = (minute: number): string => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();
const backorder = (orderId: string, placedMinute: number, quantity: number, lineId = '1'): Backorder => ({
  orderId,
  lineId,
  warehouseId: 'WH-1',
  sku: 'SKU-1',
  placedAt: t(placedMinute),
  quantity,
});
const receiptArrival: StockArrival = { warehouseId: 'WH-1', sku: 'SKU-1', at: t(30), trigger: 'receipt:R-1' };

describe('queueing backorders', () => {
  it('keeps them first-in-first-out by placement time, then order id, then line id', () => {
    const queue = enqueueBackorders(
      [backorder('ORD-3', 5, 1)],
      [backorder('ORD-2', 1, 1, '2'), backorder('ORD-2', 1, 1, '1'), backorder('ORD-1', 1, 1)],
    );
    expect(queue.map((b) => `${b.orderId}#${b.lineId}`)).toEqual([
      'ORD-1#1',
      'ORD-2#1',
      'ORD-2#2',
      'ORD-3#1',
    ]);
  });

  it('puts a late-arriving order placed earlier ahead of those already waiting', () => {
    const queue = enqueueBackorders([backorder('ORD-2', 5, 1)], [backorder('ORD-9', 2, 1)]);
    expect(queue.map((b) => b.orderId)).toEqual(['ORD-9', 'ORD-2']);
  });

  it('replaces the backorder of a line queued again rather than doubling it', () => {
    const queue = enqueueBackorders([backorder('ORD-1', 1, 4)], [backorder('ORD-1', 1, 4)]);
    expect(queue).toEqual([backorder('ORD-1', 1, 4)]);
  });
});

describe('filling backorders when stock arrives', () => {
  const queue = enqueueBackorders(
    [],
    [backorder('ORD-1', 1, 3), backorder('ORD-2', 2, 4), backorder('ORD-3', 3, 2)],
  );

  it('fills several backorders oldest first and leaves the rest of a partly filled one at the head', () => {
    const fill = fillBackorders(queue, 5, receiptArrival);
    expect(fill.reservations.map((r) => [r.orderId, r.quantity, r.trigger, r.at])).toEqual([
      ['ORD-1', 3, 'receipt:R-1', t(30)],
      ['ORD-2', 2, 'receipt:R-1', t(30)],
    ]);
    expect(fill.remaining).toEqual([backorder('ORD-2', 2, 2), backorder('ORD-3', 3, 2)]);
    expect(fill.events.map((e) => [e.type, e.orderId, e.cause, e.lines])).toEqual([
      ['stock.reserved', 'ORD-1', 'backorder-fill', [{ lineId: '1', sku: 'SKU-1', quantity: 3 }]],
      ['stock.reserved', 'ORD-2', 'backorder-fill', [{ lineId: '1', sku: 'SKU-1', quantity: 2 }]],
    ]);
  });

  it('never lets a smaller, younger backorder jump an older one it could fill', () => {
    const fill = fillBackorders(
      enqueueBackorders([], [backorder('ORD-1', 1, 5), backorder('ORD-2', 2, 1)]),
      1,
      receiptArrival,
    );
    expect(fill.reservations.map((r) => [r.orderId, r.quantity])).toEqual([['ORD-1', 1]]);
  });

  it('fills everything and empties the queue when enough arrives, leaving the surplus available', () => {
    const fill = fillBackorders(queue, 100, receiptArrival);
    expect(fill.reservations.reduce((sum, r) => sum + r.quantity, 0)).toBe(9);
    expect(fill.remaining).toEqual([]);
  });

  it('does nothing while available is zero or negative', () => {
    expect(fillBackorders(queue, 0, receiptArrival)).toEqual({
      reservations: [],
      remaining: queue,
      events: [],
    });
    expect(fillBackorders(queue, -2, receiptArrival).remaining).toEqual(queue);
  });

  it('leaves backorders of other positions alone', () => {
    const otherSku = { ...backorder('ORD-0', 0, 2), sku: 'SKU-2' };
    const fill = fillBackorders([otherSku, ...queue], 3, receiptArrival);
    expect(fill.reservations.map((r) => r.orderId)).toEqual(['ORD-1']);
    expect(fill.remaining[0]).toEqual(otherSku);
  });

  it('reserves a fill no earlier than the order was placed, even when the receipt is older', () => {
    const fill = fillBackorders([backorder('ORD-1', 40, 1)], 1, receiptArrival);
    expect(fill.reservations[0].at).toBe(t(40));
  });
});

describe('releasing a cancelled order', () => {
  it('releases open reservations and drops the order’s backorders, keeping other orders queued', () => {
    const queue = [backorder('ORD-1', 1, 2, '1'), backorder('ORD-2', 2, 1)];
    const result = releaseCancelledOrder(
      { orderId: 'ORD-1', warehouseId: 'WH-1', at: t(10) },
      [
        { lineId: '1', sku: 'SKU-1', reserved: 3 },
        { lineId: '2', sku: 'SKU-2', reserved: 0 },
      ],
      queue,
    );
    expect(result.releases).toEqual([
      {
        kind: 'release',
        warehouseId: 'WH-1',
        sku: 'SKU-1',
        at: t(10),
        orderId: 'ORD-1',
        lineId: '1',
        quantity: 3,
      },
    ]);
    expect(result.dropped).toEqual([queue[0]]);
    expect(result.remaining).toEqual([queue[1]]);
    expect(result.event).toEqual({
      type: 'stock.released',
      orderId: 'ORD-1',
      warehouseId: 'WH-1',
      at: t(10),
      lines: [{ lineId: '1', sku: 'SKU-1', released: 3, backorderDropped: 2 }],
    });
  });

  it('emits nothing for an order with nothing reserved or waiting, such as one fully shipped', () => {
    const result = releaseCancelledOrder({ orderId: 'ORD-1', warehouseId: 'WH-1', at: t(10) }, [], []);
    expect(result).toEqual({ releases: [], dropped: [], remaining: [], event: null });
  });
});

describe('consuming reservations on shipment', () => {
  const shipment = (quantity: number) => ({
    shipmentId: 'S-1',
    orderId: 'ORD-1',
    warehouseId: 'WH-1',
    at: t(20),
    lines: [{ lineId: '1', sku: 'SKU-1', quantity }],
  });

  it('consumes the line’s reservation', () => {
    const result = consumeForShipment(shipment(2), () => 3, []);
    expect(result.entries).toEqual([
      {
        kind: 'shipment',
        warehouseId: 'WH-1',
        sku: 'SKU-1',
        at: t(20),
        shipmentId: 'S-1',
        orderId: 'ORD-1',
        lineId: '1',
        quantity: 2,
        reservationConsumed: 2,
      },
    ]);
    expect(result.lines).toEqual([
      { lineId: '1', sku: 'SKU-1', shipped: 2, fromReservation: 2, unreserved: 0, backorderReduced: 0 },
    ]);
  });

  it('takes units shipped beyond the reservation from unreserved on-hand and shrinks the line’s backorder', () => {
    const result = consumeForShipment(shipment(4), () => 1, [
      backorder('ORD-1', 1, 5),
      backorder('ORD-2', 2, 1),
    ]);
    expect(result.lines).toEqual([
      { lineId: '1', sku: 'SKU-1', shipped: 4, fromReservation: 1, unreserved: 3, backorderReduced: 3 },
    ]);
    expect(result.remaining).toEqual([backorder('ORD-1', 1, 2), backorder('ORD-2', 2, 1)]);
    expect(result.event).toMatchObject({
      type: 'stock.shipped',
      shipmentId: 'S-1',
      orderId: 'ORD-1',
      lines: result.lines,
    });
  });

  it('drops a backorder the shipment covers completely', () => {
    const result = consumeForShipment(shipment(2), () => 0, [backorder('ORD-1', 1, 2)]);
    expect(result.remaining).toEqual([]);
  });

  it('sums a line listed twice in one confirmation into one ledger entry', () => {
    const twice = { ...shipment(1), lines: [...shipment(1).lines, ...shipment(2).lines] };
    const result = consumeForShipment(twice, () => 5, []);
    expect(result.entries.map((e) => [e.lineId, e.quantity, e.reservationConsumed])).toEqual([['1', 3, 3]]);
  });
});

describe('filling backorders, for any queue and any arrival', () => {
  it('reserves min(available, waiting) units, filling a prefix of the queue in FIFO order', () => {
    const backorders = fc.array(
      fc.record({
        orderId: fc.constantFrom('ORD-1', 'ORD-2', 'ORD-3', 'ORD-4'),
        placed: fc.nat(59),
        quantity: fc.integer({ min: 1, max: 9 }),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(backorders, fc.integer({ min: -5, max: 40 }), (raw, available) => {
        const queue = enqueueBackorders(
          [],
          raw.map((b, i) => backorder(b.orderId, b.placed, b.quantity, `${i + 1}`)),
        );
        const fill = fillBackorders(queue, available, receiptArrival);
        const waiting = queue.reduce((sum, b) => sum + b.quantity, 0);
        const reserved = fill.reservations.reduce((sum, r) => sum + r.quantity, 0);
        expect(reserved).toBe(Math.min(Math.max(0, available), waiting));
        // every filled backorder but the last was filled completely, and in queue order
        fill.reservations.forEach((r, i) => {
          expect([r.orderId, r.lineId]).toEqual([queue[i].orderId, queue[i].lineId]);
          if (i < fill.reservations.length - 1) expect(r.quantity).toBe(queue[i].quantity);
        });
        expect(fill.remaining.reduce((sum, b) => sum + b.quantity, 0)).toBe(waiting - reserved);
      }),
    );
  });
});
