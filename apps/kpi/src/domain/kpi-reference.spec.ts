import { applyDomainEvent, InMemoryFactStore } from './in-memory-fact-store';
import { OrderSpec, OrderStory, ReturnStory, stockCounted, TopicEvent } from './kpi.fixtures';
import type { KpiQuery } from './kpi-query';
import { computeKpisReference } from './kpi-reference';

const DAY = '2026-11-16'; // a Monday

function order(orderId: string, overrides: Partial<OrderSpec> = {}): OrderStory {
  return new OrderStory({
    orderId,
    channel: 'webshop',
    warehouseId: 'WH-1',
    placedAt: `${DAY}T10:00:00.000Z`,
    promisedShipBy: `${DAY}T18:00:00.000Z`,
    lines: [
      { sku: 'SKU-A', quantity: 2, unitPriceMinor: 1000 },
      { sku: 'SKU-B', quantity: 1, unitPriceMinor: 500 },
    ],
    ...overrides,
  });
}

function kpis(events: readonly TopicEvent[], query: Partial<KpiQuery> = {}) {
  const store = new InMemoryFactStore();
  for (const { event } of events) applyDomainEvent(store, event);
  return computeKpisReference(store.facts(), {
    from: `${DAY}T00:00:00.000Z`,
    to: '2026-11-19T00:00:00.000Z',
    granularity: 'day',
    warehouseId: null,
    sku: null,
    channel: null,
    ...query,
  });
}

describe('KPI definitions (reference computation, contract §5)', () => {
  it('counts orders, units and value by placedAt and lists empty buckets with zeros and null rates', () => {
    const report = kpis([
      ...order('O1').events,
      ...order('O2', { placedAt: '2026-11-18T01:00:00.000Z' }).events,
    ]);
    expect(report.buckets.map((b) => [b.start, b.metrics.ordersPlaced])).toEqual([
      ['2026-11-16T00:00:00.000Z', 1],
      ['2026-11-17T00:00:00.000Z', 0],
      ['2026-11-18T00:00:00.000Z', 1],
    ]);
    expect(report.buckets[0].metrics).toMatchObject({
      unitsOrdered: 3,
      orderValueMinor: 2500,
      cancellationRate: 0,
    });
    expect(report.buckets[1].metrics).toMatchObject({
      unitsOrdered: 0,
      cancellationRate: null,
      lineFillRate: null,
      backorderRate: null,
      returnRate: null,
      onTimeShipmentRate: null,
      orderCycleTimeHours: { avg: null, p50: null, p90: null },
      inventoryAccuracy: null,
    });
    expect(report.totals).toMatchObject({ ordersPlaced: 2, unitsOrdered: 6, orderValueMinor: 5000 });
  });

  it('counts a shipment at exactly promisedShipBy as on time and one a millisecond later as late', () => {
    const onTime = order('O1').allocate(`${DAY}T10:05:00.000Z`, 'WH-1', [2, 1]);
    onTime.ship('S1', `${DAY}T18:00:00.000Z`, 'WH-1', [2, 1]);
    const late = order('O2').allocate(`${DAY}T10:05:00.000Z`, 'WH-1', [2, 1]);
    late.ship('S2', `${DAY}T18:00:00.001Z`, 'WH-1', [2, 1]);
    const { totals } = kpis([...onTime.events, ...late.events]);
    expect(totals).toMatchObject({
      ordersShipped: 2,
      onTimeShipmentRate: 0.5,
      perfectOrderRate: 0.5,
      unitsShipped: 6,
    });
  });

  it('counts an order cancelled after a partial shipment in ordersShipped at its last shipment, and as cancelled', () => {
    const story = order('O1')
      .allocate(`${DAY}T10:05:00.000Z`, 'WH-1', [2, 1])
      .ship('S1', `${DAY}T12:00:00.000Z`, 'WH-1', [1, 0])
      .cancel('2026-11-17T09:00:00.000Z');
    const report = kpis(story.events);
    expect(report.buckets[0].metrics).toMatchObject({
      ordersShipped: 1,
      unitsShipped: 1,
      cancellationRate: 1,
      orderCycleTimeHours: { avg: 2, p50: 2, p90: 2 },
    });
    expect(report.buckets[1].metrics).toMatchObject({ ordersCancelled: 1, ordersShipped: 0 });
  });

  it('does not count an order shipped in full after a voided cancellation as cancelled', () => {
    const story = order('O1').allocate(`${DAY}T10:05:00.000Z`, 'WH-1', [2, 1]);
    story.cancel(`${DAY}T11:00:00.000Z`).ship('S1', `${DAY}T10:30:00.000Z`, 'WH-1', [2, 1]);
    // shipped-after-cancellation keeps CANCELLED; only a fully shipped order-shipped voids it
    expect(kpis(story.events).totals.ordersCancelled).toBe(1);
    const shipped = order('O2').allocate(`${DAY}T10:05:00.000Z`, 'WH-1', [2, 1]);
    shipped.ship('S2', `${DAY}T10:30:00.000Z`, 'WH-1', [2, 1]);
    expect(kpis(shipped.events).totals).toMatchObject({
      ordersCancelled: 0,
      cancellationRate: 0,
      ordersShipped: 1,
    });
  });

  it('makes a perfect order imperfect in its past bucket when a later DAMAGED return is authorized', () => {
    const story = order('O1', { warehouseId: 'WH-1' })
      .allocate(`${DAY}T10:05:00.000Z`, 'WH-1', [2, 1])
      .ship('S1', `${DAY}T12:00:00.000Z`, 'WH-1', [2, 1]);
    expect(kpis(story.events).buckets[0].metrics.perfectOrderRate).toBe(1);
    const spec = { ...story.spec, warehouseId: 'WH-1' };
    const sizeFit = new ReturnStory('R1', spec, '2026-11-18T09:00:00.000Z', [
      { lineIndex: 0, quantity: 1, reasonCode: 'SIZE_FIT' },
    ]).authorize('2026-11-18T09:00:01.000Z');
    expect(kpis([...story.events, ...sizeFit.events]).buckets[0].metrics.perfectOrderRate).toBe(1);
    const rejectedDamaged = new ReturnStory('R2', spec, '2026-11-18T09:00:00.000Z', [
      { lineIndex: 0, quantity: 1, reasonCode: 'DAMAGED' },
    ]).reject('2026-11-18T09:00:01.000Z');
    expect(kpis([...story.events, ...rejectedDamaged.events]).buckets[0].metrics.perfectOrderRate).toBe(1);
    const damaged = new ReturnStory('R3', spec, '2026-11-18T09:00:00.000Z', [
      { lineIndex: 1, quantity: 1, reasonCode: 'DAMAGED' },
    ]).authorize('2026-11-18T09:00:01.000Z');
    const report = kpis([...story.events, ...damaged.events]);
    expect(report.buckets[0].metrics.perfectOrderRate).toBe(0);
    expect(report.buckets[2].metrics).toMatchObject({ unitsReturned: 1, returnRate: null });
  });

  it('makes backordered or multi-shipment orders imperfect and counts line fill and backorder rates at placedAt', () => {
    const backordered = order('O1')
      .allocate(`${DAY}T10:05:00.000Z`, 'WH-1', [1, 1])
      .ship('S1', `${DAY}T12:00:00.000Z`, 'WH-1', [2, 1]);
    const split = order('O2')
      .allocate(`${DAY}T10:05:00.000Z`, 'WH-1', [2, 1])
      .ship('S2', `${DAY}T12:00:00.000Z`, 'WH-1', [1, 1])
      .ship('S3', `${DAY}T13:00:00.000Z`, 'WH-1', [1, 0]);
    const { totals } = kpis([...backordered.events, ...split.events]);
    expect(totals).toMatchObject({
      ordersShipped: 2,
      onTimeShipmentRate: 1,
      perfectOrderRate: 0,
      lineFillRate: 3 / 4,
      backorderRate: 1 / 2,
      orderCycleTimeHours: { avg: 2.5, p50: 2.5, p90: 2.9 },
    });
  });

  it('filters units by sku line, shipments by their own warehouse, and returns by their order', () => {
    const story = order('O1', { warehouseId: undefined })
      .allocate(`${DAY}T10:05:00.000Z`, 'WH-2', [2, 1])
      .ship('S1', `${DAY}T12:00:00.000Z`, 'WH-3', [2, 1]);
    const events = story.events;
    expect(kpis(events, { sku: 'SKU-B' }).totals).toMatchObject({
      ordersPlaced: 1,
      unitsOrdered: 1,
      orderValueMinor: 500,
      unitsShipped: 1,
      ordersShipped: 1,
    });
    expect(kpis(events, { warehouseId: 'WH-2' }).totals).toMatchObject({ ordersPlaced: 1, unitsShipped: 0 });
    expect(kpis(events, { warehouseId: 'WH-3' }).totals).toMatchObject({ ordersPlaced: 0, unitsShipped: 3 });
    expect(kpis(events, { channel: 'marketplace' }).totals).toMatchObject({
      ordersPlaced: 0,
      unitsShipped: 0,
    });
  });

  it('computes inspections at the inspecting warehouse: restock, recovery and processing hours', () => {
    const story = order('O1')
      .allocate(`${DAY}T10:05:00.000Z`, 'WH-1', [2, 1])
      .ship('S1', `${DAY}T12:00:00.000Z`, 'WH-1', [2, 1]);
    const rma = new ReturnStory('R1', { ...story.spec, warehouseId: 'WH-1' }, `${DAY}T13:00:00.000Z`, [
      { lineIndex: 0, quantity: 2, reasonCode: 'SIZE_FIT' },
    ])
      .authorize(`${DAY}T13:00:00.000Z`)
      .receive(`${DAY}T14:00:00.000Z`, 'WH-9')
      .inspect(`${DAY}T20:00:00.000Z`, 'WH-9', [
        { lineIndex: 0, quantity: 1, disposition: 'RESTOCK', recoveredValueMinor: 1000 },
        { lineIndex: 0, quantity: 1, disposition: 'SCRAP', recoveredValueMinor: 0 },
      ])
      .inspect('2026-11-17T02:00:00.000Z', 'WH-9', [
        { lineIndex: 0, quantity: 1, disposition: 'LIQUIDATE', recoveredValueMinor: 200 },
      ]);
    const events = [...story.events, ...rma.events];
    const report = kpis(events);
    expect(report.buckets[0].metrics).toMatchObject({
      unitsInspected: 2,
      restockRate: 0.5,
      recoveryRate: 0.5,
      returnProcessingHours: 6,
      unitsReturned: 2,
      returnRate: 2 / 3,
    });
    expect(report.totals).toMatchObject({
      unitsInspected: 3,
      recoveryRate: 1200 / 3000,
      returnProcessingHours: 9,
    });
    expect(kpis(events, { warehouseId: 'WH-9' }).totals).toMatchObject({
      unitsInspected: 3,
      unitsReturned: 0,
    });
    expect(kpis(events, { warehouseId: 'WH-1' }).totals).toMatchObject({
      unitsInspected: 0,
      unitsReturned: 2,
    });
    expect(kpis(events, { channel: 'webshop' }).totals.unitsInspected).toBe(3);
  });

  it('takes the newest statement of a cycle count and leaves inventoryAccuracy null under a channel filter', () => {
    const count = {
      countId: 'C1',
      warehouseId: 'WH-1',
      sku: 'SKU-A',
      countedAt: `${DAY}T08:00:00.000Z`,
      countedQuantity: 5,
      onHandAtCount: 5,
    };
    const other = { ...count, countId: 'C2', sku: 'SKU-B', onHandAtCount: 4 };
    const events = [
      stockCounted(count),
      stockCounted(other),
      stockCounted({ ...count, onHandAtCount: 6 }, 1),
    ];
    expect(kpis(events).totals.inventoryAccuracy).toBe(0);
    expect(kpis(events.slice(0, 2)).totals.inventoryAccuracy).toBe(0.5);
    expect(kpis(events.slice(0, 2), { sku: 'SKU-A' }).totals.inventoryAccuracy).toBe(1);
    expect(kpis(events.slice(0, 2), { channel: 'webshop' }).totals.inventoryAccuracy).toBeNull();
  });

  it('computes totals over the range from the facts, not by averaging buckets', () => {
    const a = order('O1').cancel(`${DAY}T11:00:00.000Z`);
    const b = order('O2', { placedAt: '2026-11-17T10:00:00.000Z' });
    const c = order('O3', { placedAt: '2026-11-17T11:00:00.000Z' });
    const report = kpis([...a.events, ...b.events, ...c.events]);
    expect(report.buckets.map((bucket) => bucket.metrics.cancellationRate)).toEqual([1, 0, null]);
    expect(report.totals.cancellationRate).toBe(1 / 3);
  });

  it('starts week buckets on Monday and counts only facts inside [from, to) in an edge bucket', () => {
    const events = [
      ...order('O1', { placedAt: '2026-11-22T23:00:00.000Z' }).events,
      ...order('O2', { placedAt: '2026-11-17T23:00:00.000Z' }).events,
    ];
    const report = kpis(events, {
      from: '2026-11-18T00:00:00.000Z',
      to: '2026-11-30T00:00:00.000Z',
      granularity: 'week',
    });
    expect(report.buckets.map((b) => [b.start, b.end, b.metrics.ordersPlaced])).toEqual([
      ['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z', 1],
      ['2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z', 0],
    ]);
    expect(report.totals.ordersPlaced).toBe(1);
  });
});
