import {
  allocateOrder,
  AvailableUnits,
  chooseWarehouse,
  OrderToAllocate,
  planLineAllocations,
} from './allocation';

const placedAt = '2026-11-20T10:00:00.000Z';
const stock =
  (table: Record<string, Record<string, number>>): AvailableUnits =>
  (warehouseId, sku) =>
    table[warehouseId]?.[sku] ?? 0;

const order = (lines: [string, string, number][], warehouseId?: string): OrderToAllocate => ({
  orderId: 'ORD-1',
  placedAt,
  ...(warehouseId === undefined ? {} : { warehouseId }),
  lines: lines.map(([lineId, sku, quantity]) => ({ lineId, sku, quantity })),
});

describe('choosing the warehouse', () => {
  const available = stock({ 'WH-1': { A: 1, B: 5 }, 'WH-2': { A: 3, B: 3 } });

  it('uses the warehouse the order names, even when another could fill more', () => {
    expect(chooseWarehouse(order([['1', 'A', 3]], 'WH-1'), ['WH-1', 'WH-2'], available)).toEqual({
      warehouseId: 'WH-1',
      chosenBy: 'order-warehouse',
    });
  });

  it('otherwise picks the warehouse that can fill the most units across all lines', () => {
    // WH-1 fills 1 + 2 = 3 units, WH-2 fills 3 + 2 = 5
    const twoLines = order([
      ['1', 'A', 3],
      ['2', 'B', 2],
    ]);
    expect(chooseWarehouse(twoLines, ['WH-1', 'WH-2'], available)?.warehouseId).toBe('WH-2');
  });

  it('breaks a tie by the lowest id in character order, so WH-10 wins over WH-2', () => {
    const even = stock({ 'WH-2': { A: 5 }, 'WH-10': { A: 5 }, 'WH-3': { A: 5 } });
    expect(chooseWarehouse(order([['1', 'A', 2]]), ['WH-3', 'WH-2', 'WH-10'], even)?.warehouseId).toBe(
      'WH-10',
    );
  });

  it('counts units two lines of one SKU can really share, not each line alone', () => {
    // WH-1 has 4 of A: lines of 3 and 3 get 4 together, not 6; WH-2 has 5 and wins
    const shared = stock({ 'WH-1': { A: 4 }, 'WH-2': { A: 5 } });
    const sameSku = order([
      ['1', 'A', 3],
      ['2', 'A', 3],
    ]);
    expect(chooseWarehouse(sameSku, ['WH-1', 'WH-2'], shared)?.warehouseId).toBe('WH-2');
  });

  it('picks the lowest id when no warehouse has anything', () => {
    expect(chooseWarehouse(order([['1', 'A', 2]]), ['WH-B', 'WH-A'], stock({}))?.warehouseId).toBe('WH-A');
  });

  it('refuses an order with no warehouse named and none known', () => {
    expect(allocateOrder(order([['1', 'A', 1]]), [], stock({}))).toEqual({
      ok: false,
      orderId: 'ORD-1',
      code: 'INVENTORY.NO_WAREHOUSE',
    });
  });
});

describe('reserving the lines', () => {
  it('reserves every line in full when there is enough, backordering nothing', () => {
    const decision = allocateOrder(order([['1', 'A', 2]]), ['WH-1'], stock({ 'WH-1': { A: 5 } }));
    expect(decision).toMatchObject({
      ok: true,
      warehouseId: 'WH-1',
      lines: [{ lineId: '1', sku: 'A', ordered: 2, reserved: 2, backordered: 0 }],
      reservations: [
        {
          kind: 'reservation',
          warehouseId: 'WH-1',
          sku: 'A',
          at: placedAt,
          orderId: 'ORD-1',
          lineId: '1',
          trigger: 'allocation',
          quantity: 2,
        },
      ],
      backorders: [],
      events: [
        { type: 'stock.reserved', cause: 'allocation', lines: [{ lineId: '1', sku: 'A', quantity: 2 }] },
      ],
    });
  });

  it('reserves what is available on a short line and backorders the missing units', () => {
    const decision = allocateOrder(
      order([
        ['1', 'A', 5],
        ['2', 'B', 1],
      ]),
      ['WH-1'],
      stock({ 'WH-1': { A: 3, B: 1 } }),
    );
    if (!decision.ok) throw new Error('expected an allocation');
    expect(decision.lines.map((l) => [l.lineId, l.reserved, l.backordered])).toEqual([
      ['1', 3, 2],
      ['2', 1, 0],
    ]);
    expect(decision.backorders).toEqual([
      { orderId: 'ORD-1', lineId: '1', warehouseId: 'WH-1', sku: 'A', placedAt, quantity: 2 },
    ]);
    expect(decision.events.map((e) => [e.type, e.lines])).toEqual([
      [
        'stock.reserved',
        [
          { lineId: '1', sku: 'A', quantity: 3 },
          { lineId: '2', sku: 'B', quantity: 1 },
        ],
      ],
      ['stock.backordered', [{ lineId: '1', sku: 'A', quantity: 2 }]],
    ]);
  });

  it('backorders everything at the named warehouse when it has nothing, emitting no reservation', () => {
    const decision = allocateOrder(order([['1', 'A', 2]], 'WH-9'), ['WH-1'], stock({ 'WH-1': { A: 5 } }));
    expect(decision).toMatchObject({ ok: true, warehouseId: 'WH-9', reservations: [] });
    expect(decision.ok && decision.events.map((e) => e.type)).toEqual(['stock.backordered']);
  });

  it('treats negative available as nothing to reserve', () => {
    expect(
      planLineAllocations([{ lineId: '1', sku: 'A', quantity: 2 }], 'WH-1', stock({ 'WH-1': { A: -3 } })),
    ).toEqual([{ lineId: '1', sku: 'A', ordered: 2, reserved: 0, backordered: 2 }]);
  });

  it('shares one SKU between lines in line-id order, whatever order the lines were listed in', () => {
    const lines = [
      { lineId: '2', sku: 'A', quantity: 3 },
      { lineId: '1', sku: 'A', quantity: 3 },
    ];
    expect(planLineAllocations(lines, 'WH-1', stock({ 'WH-1': { A: 4 } }))).toEqual([
      { lineId: '2', sku: 'A', ordered: 3, reserved: 1, backordered: 2 },
      { lineId: '1', sku: 'A', ordered: 3, reserved: 3, backordered: 0 },
    ]);
  });
});
