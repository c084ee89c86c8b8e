import { InMemoryFactStore, applyDomainEvent } from './in-memory-fact-store';
import { OrderStory, ReturnStory } from './kpi.fixtures';
import { isOrderComplete, mergeOrderFact, projectOrderLifecycle } from './fact-projection';

const story = (): OrderStory =>
  new OrderStory({
    orderId: 'O1',
    channel: 'webshop',
    placedAt: '2026-11-16T10:00:00.000Z',
    promisedShipBy: '2026-11-17T10:00:00.000Z',
    lines: [
      { sku: 'SKU-A', quantity: 2, unitPriceMinor: 100 },
      { sku: 'SKU-B', quantity: 1, unitPriceMinor: 50 },
    ],
  });

describe('fact projections', () => {
  it('call an order complete when every unit is shipped or cancelled and at least one shipped', () => {
    const line = { quantity: 2, shippedQuantity: 0, cancelledQuantity: 0 };
    expect(isOrderComplete([{ ...line, shippedQuantity: 2 }])).toBe(true);
    expect(isOrderComplete([{ ...line, shippedQuantity: 1, cancelledQuantity: 1 }])).toBe(true);
    expect(isOrderComplete([{ ...line, cancelledQuantity: 2 }])).toBe(false);
    expect(isOrderComplete([{ ...line, shippedQuantity: 1 }])).toBe(false);
  });

  it('take the order warehouse from the first allocation when none was asked for, and shipment lines once', () => {
    const order = story().allocate('2026-11-16T10:05:00.000Z', 'WH-2', [2, 0]);
    order.ship('S1', '2026-11-16T12:00:00.000Z', 'WH-3', [2, 0]);
    const store = new InMemoryFactStore();
    for (const { event } of [...order.events, ...order.events]) applyDomainEvent(store, event);
    const facts = store.facts();
    expect(facts.orders).toEqual([
      expect.objectContaining({ warehouseId: 'WH-2', backorderedAtFirstAttempt: true, complete: false }),
    ]);
    expect(facts.shipmentLines).toEqual([
      expect.objectContaining({
        shipmentId: 'S1',
        warehouseId: 'WH-3',
        sku: 'SKU-A',
        quantity: 2,
        channel: 'webshop',
      }),
    ]);
    expect(facts.orderLines.map((line) => line.reservedAtFirstAttempt)).toEqual([2, 0]);
  });

  it('keep the cancellation time through later snapshots that do not state it', () => {
    const order = story().allocate('2026-11-16T10:05:00.000Z', 'WH-1', [2, 1]);
    order.cancel('2026-11-16T11:00:00.000Z').ship('S1', '2026-11-16T10:30:00.000Z', 'WH-1', [1, 0]);
    const store = new InMemoryFactStore();
    for (const { event } of order.events) applyDomainEvent(store, event);
    expect(store.facts().orders[0]).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: '2026-11-16T11:00:00.000Z',
      complete: true,
      lastShipmentAt: '2026-11-16T10:30:00.000Z',
    });
    const laterSnapshot = projectOrderLifecycle(order.events[1].event.data as never).order;
    expect(mergeOrderFact(store.facts().orders[0], laterSnapshot).cancelledAt).toBe(
      '2026-11-16T11:00:00.000Z',
    );
  });

  it('key inspections by event so a return inspected twice counts both', () => {
    const order = story().allocate('2026-11-16T10:05:00.000Z', 'WH-1', [2, 1]);
    const rma = new ReturnStory('R1', { ...order.spec, warehouseId: 'WH-1' }, '2026-11-17T00:00:00.000Z', [
      { lineIndex: 0, quantity: 2, reasonCode: 'DEFECTIVE' },
    ])
      .authorize('2026-11-17T00:00:00.000Z')
      .receive('2026-11-18T00:00:00.000Z', 'WH-1')
      .inspect('2026-11-18T01:00:00.000Z', 'WH-1', [
        { lineIndex: 0, quantity: 1, disposition: 'RESTOCK', recoveredValueMinor: 100 },
      ])
      .inspect('2026-11-18T02:00:00.000Z', 'WH-1', [
        { lineIndex: 0, quantity: 1, disposition: 'SCRAP', recoveredValueMinor: 0 },
      ]);
    const store = new InMemoryFactStore();
    for (const { event } of [...rma.events, ...rma.events]) applyDomainEvent(store, event);
    const facts = store.facts();
    expect(facts.inspections).toHaveLength(2);
    expect(facts.inspectionLines.map((line) => line.disposition)).toEqual(['RESTOCK', 'SCRAP']);
    expect(facts.returns[0]).toMatchObject({
      status: 'INSPECTED',
      firstReceivedAt: '2026-11-18T00:00:00.000Z',
    });
    expect(facts.returnLines[0]).toMatchObject({ authorizedQuantity: 2, reasonCode: 'DEFECTIVE' });
  });
});
