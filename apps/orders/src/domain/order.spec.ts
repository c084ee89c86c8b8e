import { cancelOrder, recordAllocation, recordBackorderFill, recordShipment } from './order';
import {
  accepted,
  allocate,
  allocation,
  at,
  cancelAt,
  orderAfter,
  outcomeCode,
  placedOrder,
  ship,
  shipment,
  standardPlacement,
} from './order.fixtures';
import { cancelledByLine, shippedByLine } from './order-state';

const fullAllocation = allocation(1, { L1: 3, L2: 2 });
const shortAllocation = allocation(1, { L1: 1, L2: 2 });

function perLine(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries(map);
}

describe('recordAllocation', () => {
  it('allocates an order whose first attempt reserved every unit, announcing lines, prices and warehouse', () => {
    const result = recordAllocation(placedOrder(), fullAllocation);

    expect(result.ok && result.order.status).toBe('ALLOCATED');
    expect(result.ok && result.events).toEqual([
      expect.objectContaining({
        type: 'order-allocated',
        orderId: 'ORD-1',
        occurredAt: at(1),
        firstAttempt: true,
        order: expect.objectContaining({
          status: 'ALLOCATED',
          channel: 'webshop',
          currency: 'EUR',
          warehouseId: 'WH-1',
          promisedShipBy: standardPlacement.promisedShipBy,
          wasBackorderedAtFirstAttempt: false,
          lines: [
            expect.objectContaining({ lineId: 'L1', sku: 'SKU-1', quantity: 3, unitPriceMinor: 1000 }),
            expect.objectContaining({ lineId: 'L2', sku: 'SKU-2', quantity: 2, unitPriceMinor: 500 }),
          ],
        }),
      }),
    ]);
  });

  it('backorders an order when the first attempt left any line short', () => {
    const result = recordAllocation(placedOrder(), shortAllocation);

    expect(result.ok && result.order.status).toBe('BACKORDERED');
    expect(result.ok && result.events.map((e) => e.type)).toEqual(['order-backordered']);
    expect(result.ok && result.events[0].order.lines[0].reservedAtFirstAttempt).toBe(1);
  });

  it('treats lines missing from an allocation as nothing reserved', () => {
    const order = orderAfter(allocate(allocation(1, { L1: 3 })));

    expect(order.status).toBe('BACKORDERED');
    expect(order.firstAllocation?.lines).toEqual([
      { lineId: 'L1', reservedQuantity: 3 },
      { lineId: 'L2', reservedQuantity: 0 },
    ]);
  });

  it('allocates a backordered order on a later attempt and keeps the first-attempt result', () => {
    const order = orderAfter(allocate(shortAllocation), allocate(allocation(2, { L1: 3, L2: 2 }, at(60))));

    expect(order.status).toBe('ALLOCATED');
    expect(order.firstAllocation).toEqual(shortAllocation);
    expect(order.latestAllocation?.attempt).toBe(2);
  });

  it('records a first attempt that arrives after a later one without letting it decide the status', () => {
    const order = orderAfter(allocate(allocation(2, { L1: 3, L2: 2 }, at(60))), allocate(shortAllocation));

    expect(order.status).toBe('ALLOCATED');
    expect(order.firstAllocation).toEqual(shortAllocation);
  });

  it('refuses a later attempt that would take an allocated order back to BACKORDERED', () => {
    const result = recordAllocation(orderAfter(allocate(fullAllocation)), allocation(2, { L1: 1 }, at(60)));

    expect(outcomeCode(result)).toBe('ORDER.TRANSITION_NOT_ALLOWED');
  });

  it('treats the same attempt again as a duplicate with nothing to publish', () => {
    const order = orderAfter(allocate(fullAllocation));
    const result = recordAllocation(order, fullAllocation);

    expect(result).toEqual({ ok: true, outcome: 'duplicate', order, events: [] });
  });

  it('records a first attempt heard only after shipment, for the KPIs, without changing the status', () => {
    const shipped = orderAfter(ship(shipment('S1', at(30), { L1: 3, L2: 2 })));
    const result = recordAllocation(shipped, shortAllocation);

    expect(result.ok && result.order.status).toBe('SHIPPED');
    expect(result.ok && result.order.history).toEqual(shipped.history);
    expect(result.ok && result.events[0].order.wasBackorderedAtFirstAttempt).toBe(true);
  });

  it("announces the warehouse the channel named rather than the allocation's", () => {
    const named = placedOrder({ ...standardPlacement, warehouseId: 'WH-7' });
    const result = recordAllocation(named, allocation(1, { L1: 3, L2: 2 }, at(1), 'WH-1'));

    expect(result.ok && result.events[0].order.warehouseId).toBe('WH-7');
  });

  it.each([
    ['ORDER.UNKNOWN_LINE', allocation(1, { L9: 1 })],
    ['ORDER.OVER_ALLOCATION', allocation(1, { L1: 4 })],
    ['ORDER.INVALID_QUANTITY', allocation(1, { L1: -1 })],
    ['ORDER.INVALID_QUANTITY', allocation(0, { L1: 1 })],
  ])('refuses with %s an allocation the order cannot hold', (code, attempt) => {
    expect(outcomeCode(recordAllocation(placedOrder(), attempt))).toBe(code);
  });
});

describe('recordBackorderFill', () => {
  const fill = (trigger: string, units: Record<string, number>, minutes = 30) => ({
    trigger,
    filledAt: at(minutes),
    warehouseId: 'WH-1',
    lines: Object.entries(units).map(([lineId, quantity]) => ({ lineId, quantity })),
  });

  it('allocates a backordered order once fills reserve every unit, keeping the first-attempt result', () => {
    const backordered = orderAfter(allocate(shortAllocation));
    const partly = recordBackorderFill(backordered, fill('receipt:GR-1', { L1: 1 }));
    expect(partly.ok && partly.order.status).toBe('BACKORDERED');
    expect(partly.ok && partly.events.map((e) => [e.type, 'firstAttempt' in e && e.firstAttempt])).toEqual([
      ['order-backordered', false],
    ]);

    const full = recordBackorderFill(accepted(partly), fill('receipt:GR-2', { L1: 1 }, 45));
    expect(full.ok && full.order.status).toBe('ALLOCATED');
    expect(full.ok && full.events.map((e) => [e.type, e.occurredAt])).toEqual([['order-allocated', at(45)]]);
    expect(full.ok && full.order.latestAllocation?.lines).toEqual([
      { lineId: 'L1', reservedQuantity: 3 },
      { lineId: 'L2', reservedQuantity: 2 },
    ]);
    expect(full.ok && full.events[0].order.wasBackorderedAtFirstAttempt).toBe(true);
    expect(full.ok && full.events[0].order.lines[0].reservedAtFirstAttempt).toBe(1);
  });

  it('gives the same fill sent again no effect', () => {
    const once = orderAfter(allocate(shortAllocation), (order) =>
      recordBackorderFill(order, fill('receipt:GR-1', { L1: 1 })),
    );
    const again = recordBackorderFill(once, fill('receipt:GR-1', { L1: 1 }));
    expect(again.ok && again.outcome).toBe('duplicate');
    expect(again.ok && again.order.latestAllocation?.lines[0].reservedQuantity).toBe(2);
  });

  it('ignores a fill before any allocation attempt is known', () => {
    const result = recordBackorderFill(placedOrder(), fill('receipt:GR-1', { L1: 1 }));
    expect(result.ok && result.outcome).toBe('duplicate');
    expect(result.ok && result.order.status).toBe('PLACED');
  });

  it('refuses a fill that would reserve more than was ordered', () => {
    const result = recordBackorderFill(
      orderAfter(allocate(shortAllocation)),
      fill('receipt:GR-1', { L1: 5 }),
    );
    expect(outcomeCode(result)).toBe('ORDER.OVER_ALLOCATION');
  });
});

describe('recordShipment', () => {
  it('partially ships an allocated order and announces the shipment with quantities and time', () => {
    const s1 = shipment('S1', at(30), { L1: 2 });
    const result = recordShipment(orderAfter(allocate(fullAllocation)), s1);

    expect(result.ok && result.order.status).toBe('PARTIALLY_SHIPPED');
    expect(result.ok && result.events).toEqual([
      expect.objectContaining({
        type: 'order-partially-shipped',
        occurredAt: at(30),
        shipment: s1,
        order: expect.objectContaining({
          lines: [
            expect.objectContaining({ lineId: 'L1', shippedQuantity: 2, cancelledQuantity: 0 }),
            expect.objectContaining({ lineId: 'L2', shippedQuantity: 0, cancelledQuantity: 0 }),
          ],
          shipments: [s1],
        }),
      }),
    ]);
  });

  it('ships the order when partial shipments together ship every unit', () => {
    const order = orderAfter(
      allocate(fullAllocation),
      ship(shipment('S1', at(30), { L1: 2 })),
      ship(shipment('S2', at(90), { L1: 1, L2: 2 })),
    );

    expect(order.status).toBe('SHIPPED');
    expect(perLine(shippedByLine(order))).toEqual({ L1: 3, L2: 2 });
    expect(order.history.map((t) => t.to)).toEqual(['ALLOCATED', 'PARTIALLY_SHIPPED', 'SHIPPED']);
  });

  it('announces the completing shipment as order-shipped', () => {
    const result = recordShipment(
      orderAfter(ship(shipment('S1', at(30), { L1: 2 }))),
      shipment('S2', at(90), { L1: 1, L2: 2 }),
    );

    expect(result.ok && result.events.map((e) => e.type)).toEqual(['order-shipped']);
  });

  it('ships a backordered order in part', () => {
    const order = orderAfter(allocate(shortAllocation), ship(shipment('S1', at(30), { L2: 2 })));

    expect(order.status).toBe('PARTIALLY_SHIPPED');
  });

  it('ships an order whose allocation was not heard yet', () => {
    expect(orderAfter(ship(shipment('S1', at(30), { L1: 3, L2: 2 }))).status).toBe('SHIPPED');
  });

  it('treats the same shipment id again as a duplicate, even with a tracking number added', () => {
    const s1 = shipment('S1', at(30), { L1: 2 });
    const order = orderAfter(ship(s1));
    const result = recordShipment(order, { ...s1, carrier: 'DHL', trackingNumber: 'TRK-1' });

    expect(result).toEqual({ ok: true, outcome: 'duplicate', order, events: [] });
  });

  it.each([
    ['another quantity', shipment('S1', at(30), { L1: 1 })],
    ['another time', shipment('S1', at(31), { L1: 2 })],
    ['another warehouse', shipment('S1', at(30), { L1: 2 }, 'WH-2')],
  ])('refuses the same shipment id with %s as a conflict', (_name, conflicting) => {
    const order = orderAfter(ship(shipment('S1', at(30), { L1: 2 })));

    expect(outcomeCode(recordShipment(order, conflicting))).toBe('ORDER.SHIPMENT_CONFLICT');
  });

  it('refuses a line the order does not have', () => {
    expect(outcomeCode(recordShipment(placedOrder(), shipment('S1', at(30), { L9: 1 })))).toBe(
      'ORDER.UNKNOWN_LINE',
    );
  });

  it('refuses a known line shipped as another sku', () => {
    const wrongSku = { ...shipment('S1', at(30), {}), lines: [{ lineId: 'L1', sku: 'SKU-2', quantity: 1 }] };

    expect(outcomeCode(recordShipment(placedOrder(), wrongSku))).toBe('ORDER.UNKNOWN_LINE');
  });

  it('refuses shipping more than ordered in one shipment', () => {
    expect(outcomeCode(recordShipment(placedOrder(), shipment('S1', at(30), { L1: 4 })))).toBe(
      'ORDER.OVER_SHIPMENT',
    );
  });

  it('refuses shipping more than ordered across shipments, keeping what was shipped', () => {
    const order = orderAfter(ship(shipment('S1', at(30), { L1: 2 })));
    const result = recordShipment(order, shipment('S2', at(40), { L1: 2 }));

    expect(outcomeCode(result)).toBe('ORDER.OVER_SHIPMENT');
    expect(perLine(shippedByLine(order))).toEqual({ L1: 2, L2: 0 });
  });

  it.each([
    ['no lines', shipment('S1', at(30), {})],
    ['zero units', shipment('S1', at(30), { L1: 0 })],
  ])('refuses a shipment of %s', (_name, empty) => {
    expect(outcomeCode(recordShipment(placedOrder(), empty))).toBe('ORDER.INVALID_QUANTITY');
  });

  it('refuses a shipment of a fully shipped order as an over-shipment', () => {
    const order = orderAfter(ship(shipment('S1', at(30), { L1: 3, L2: 2 })));

    expect(outcomeCode(recordShipment(order, shipment('S2', at(40), { L2: 1 })))).toBe('ORDER.OVER_SHIPMENT');
  });
});

describe('cancelOrder', () => {
  it('cancels a placed order, covering every unit, and announces it', () => {
    const result = cancelOrder(placedOrder(), { cancelledAt: at(10), reason: 'customer request' });

    expect(result.ok && result.order.status).toBe('CANCELLED');
    expect(result.ok && result.events).toEqual([
      expect.objectContaining({
        type: 'order-cancelled',
        occurredAt: at(10),
        cancellation: {
          cancelledAt: at(10),
          reason: 'customer request',
          unitsCancelled: [
            { lineId: 'L1', quantity: 3 },
            { lineId: 'L2', quantity: 2 },
          ],
        },
      }),
    ]);
  });

  it.each([
    ['allocated', allocate(fullAllocation)],
    ['backordered', allocate(shortAllocation)],
  ])('cancels an %s order', (_name, command) => {
    expect(orderAfter(command, cancelAt(10)).status).toBe('CANCELLED');
  });

  it('cancels a partially shipped order: shipped units stay shipped and only the rest is cancelled', () => {
    const order = orderAfter(ship(shipment('S1', at(30), { L1: 2 })), cancelAt(60));

    expect(order.status).toBe('CANCELLED');
    expect(perLine(shippedByLine(order))).toEqual({ L1: 2, L2: 0 });
    expect(perLine(cancelledByLine(order))).toEqual({ L1: 1, L2: 2 });
  });

  it('refuses to cancel an order every unit of which had shipped, with the reason', () => {
    const result = cancelAt(60)(orderAfter(ship(shipment('S1', at(30), { L1: 3, L2: 2 }))));

    expect(result).toEqual({
      ok: false,
      refusal: { code: 'ORDER.ALREADY_SHIPPED', orderId: 'ORD-1', message: expect.stringContaining(at(60)) },
    });
  });

  it.each([
    ['at the same time', 10],
    ['later', 20],
  ])('treats a second cancellation %s as a duplicate that keeps the first', (_name, minutes) => {
    const order = orderAfter(cancelAt(10, 'customer request'));
    const result = cancelAt(minutes, 'fraud')(order);

    expect(result).toEqual({ ok: true, outcome: 'duplicate', order, events: [] });
  });

  it('moves the cancellation back when another one happened earlier, so the earliest wins', () => {
    const order = orderAfter(cancelAt(20, 'customer request'), cancelAt(10, 'fraud'));

    expect(order.cancellation).toMatchObject({ cancelledAt: at(10), reason: 'fraud' });
    expect(order.history).toHaveLength(1);
  });
});

describe('a shipment and a cancellation arriving out of business-time order', () => {
  it('records a shipment that arrives after the cancellation but happened before it; the cancellation covers only the rest', () => {
    const cancelled = orderAfter(allocate(fullAllocation), cancelAt(60));
    const result = recordShipment(cancelled, shipment('S1', at(30), { L1: 2 }));
    const order = accepted(result);

    expect(order.status).toBe('CANCELLED');
    expect(perLine(shippedByLine(order))).toEqual({ L1: 2, L2: 0 });
    expect(perLine(cancelledByLine(order))).toEqual({ L1: 1, L2: 2 });
    expect(result.ok && result.events.map((e) => e.type)).toEqual(['order-partially-shipped']);
  });

  it('voids the cancellation when shipments from before it turn out to have shipped every unit', () => {
    const cancelled = orderAfter(ship(shipment('S1', at(20), { L1: 3 })), cancelAt(60));
    const result = recordShipment(cancelled, shipment('S2', at(30), { L2: 2 }));

    expect(result.ok && result.order.status).toBe('SHIPPED');
    expect(result.ok && result.order.cancellation).toBeNull();
    expect(result.ok && result.events).toEqual([
      expect.objectContaining({
        type: 'order-cancellation-voided',
        code: 'ORDER.ALREADY_SHIPPED',
        cancellation: { cancelledAt: at(60), reason: 'customer request' },
      }),
      expect.objectContaining({ type: 'order-shipped' }),
    ]);
  });

  it('records a shipment that happened after the cancellation and flags it; the cancellation covers only the rest', () => {
    const s1 = shipment('S1', at(61), { L1: 1 });
    const result = recordShipment(orderAfter(cancelAt(60)), s1);
    const order = accepted(result);

    expect(order.status).toBe('CANCELLED');
    expect(perLine(shippedByLine(order))).toEqual({ L1: 1, L2: 0 });
    expect(perLine(cancelledByLine(order))).toEqual({ L1: 2, L2: 2 });
    expect(result.ok && result.events).toEqual([
      expect.objectContaining({ type: 'order-partially-shipped', shipment: s1 }),
      expect.objectContaining({
        type: 'order-shipped-after-cancellation',
        shipment: s1,
        code: 'ORDER.SHIPPED_AFTER_CANCELLATION',
        cancellation: { cancelledAt: at(60), reason: 'customer request' },
      }),
    ]);
  });

  it('ships the order and voids the cancellation when shipments after it ship every unit', () => {
    const result = recordShipment(
      orderAfter(ship(shipment('S1', at(30), { L1: 3 })), cancelAt(60)),
      shipment('S2', at(90), { L2: 2 }),
    );

    expect(result.ok && result.order.status).toBe('SHIPPED');
    expect(result.ok && result.order.cancellation).toBeNull();
    expect(result.ok && result.events.map((e) => e.type)).toEqual([
      'order-cancellation-voided',
      'order-shipped',
      'order-shipped-after-cancellation',
    ]);
  });

  it('counts a shipment at the very instant of the cancellation as shipped, without a flag', () => {
    const result = recordShipment(orderAfter(cancelAt(60)), shipment('S1', at(60), { L1: 1 }));

    expect(perLine(shippedByLine(accepted(result)))).toEqual({ L1: 1, L2: 0 });
    expect(result.ok && result.events.map((e) => e.type)).toEqual(['order-partially-shipped']);
  });

  it('keeps recorded shipments that happened after a cancellation that arrives late, and flags them', () => {
    const s2 = shipment('S2', at(90), { L1: 1 });
    const shipped = orderAfter(ship(shipment('S1', at(30), { L1: 2 })), ship(s2));
    const result = cancelAt(60)(shipped);
    const order = accepted(result);

    expect(order.status).toBe('CANCELLED');
    expect(order.shipments.map((s) => s.shipmentId)).toEqual(['S1', 'S2']);
    expect(perLine(cancelledByLine(order))).toEqual({ L1: 0, L2: 2 });
    expect(result.ok && result.events).toEqual([
      expect.objectContaining({ type: 'order-cancelled' }),
      expect.objectContaining({
        type: 'order-shipped-after-cancellation',
        shipment: s2,
        code: 'ORDER.SHIPPED_AFTER_CANCELLATION',
      }),
    ]);
  });

  it('refuses a late cancellation of an order whose shipments, before and after it, shipped every unit', () => {
    const shipped = orderAfter(
      ship(shipment('S1', at(30), { L1: 2 })),
      ship(shipment('S2', at(90), { L1: 1, L2: 2 })),
    );

    expect(outcomeCode(cancelAt(60)(shipped))).toBe('ORDER.ALREADY_SHIPPED');
  });

  it('does not flag a shipment again when the cancellation moves back past it', () => {
    const order = orderAfter(cancelAt(60), ship(shipment('S1', at(70), { L1: 1 })));
    const result = cancelAt(10, 'fraud')(order);

    expect(result.ok && result.events.map((e) => e.type)).toEqual(['order-cancelled']);
  });
});
