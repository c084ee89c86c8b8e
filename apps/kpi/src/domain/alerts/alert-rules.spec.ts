import { alertIdOf } from './alert';
import {
  ageingReturns,
  alertConditions,
  misroutedShipments,
  ordersAtRisk,
  silentWarehouses,
  stockBelowReorderPoint,
  UnshippedOrder,
} from './alert-rules';

const POLICY = { orderAtRiskHours: 4, returnAgeingHours: 72, warehouseSilenceMinutes: 60 };
const NOW = new Date('2026-11-25T10:00:00.000Z');

const order = (promisedShipBy: string, more: Partial<UnshippedOrder> = {}): UnshippedOrder => ({
  orderId: 'ORD-1',
  warehouseId: 'WH-1',
  promisedShipBy,
  status: 'ALLOCATED',
  complete: false,
  ...more,
});

describe('orders at risk of missing promisedShipBy', () => {
  it('is at risk (warning) from 4 hours before promisedShipBy, not before', () => {
    expect(ordersAtRisk([order('2026-11-25T14:00:00.001Z')], NOW, POLICY)).toEqual([]);
    const [alert] = ordersAtRisk([order('2026-11-25T14:00:00.000Z')], NOW, POLICY);
    expect(alert).toMatchObject({
      alertId: 'order-at-risk:ORD-1',
      kind: 'order-at-risk',
      severity: 'warning',
      orderId: 'ORD-1',
      warehouseId: 'WH-1',
    });
    expect(alert.summary).toContain('4.0 h from now');
  });

  it('is overdue (critical), not at risk, once promisedShipBy has passed', () => {
    const conditions = ordersAtRisk([order('2026-11-25T08:30:00.000Z')], NOW, POLICY);
    expect(conditions.map((c) => [c.kind, c.severity])).toEqual([['order-overdue', 'critical']]);
    expect(conditions[0].summary).toContain('1.5 h late');
  });

  it('never alerts for a shipped, complete or cancelled order', () => {
    const due = '2026-11-25T09:00:00.000Z';
    expect(
      ordersAtRisk(
        [
          order(due, { status: 'SHIPPED', complete: true }),
          order(due, { status: 'CANCELLED' }),
          order(due, { status: 'CANCELLED', complete: true }),
        ],
        NOW,
        POLICY,
      ),
    ).toEqual([]);
  });

  it('alerts for a partially shipped order (its other units are still late)', () => {
    const due = '2026-11-25T11:00:00.000Z';
    expect(ordersAtRisk([order(due, { status: 'PARTIALLY_SHIPPED' })], NOW, POLICY)).toHaveLength(1);
  });

  it('follows the configured number of hours', () => {
    const due = '2026-11-25T17:00:00.000Z';
    expect(ordersAtRisk([order(due)], NOW, POLICY)).toEqual([]);
    expect(ordersAtRisk([order(due)], NOW, { ...POLICY, orderAtRiskHours: 8 })).toHaveLength(1);
  });
});

describe('returns ageing', () => {
  const ret = (status: string, requestedAt: string) => ({
    returnId: 'RMA-1',
    orderId: 'ORD-1',
    warehouseId: 'WH-2',
    status,
    requestedAt,
  });

  it('alerts an authorized or received return more than 72 h after its request', () => {
    expect(ageingReturns([ret('AUTHORIZED', '2026-11-22T10:00:00.000Z')], NOW, POLICY)).toEqual([]);
    const conditions = ageingReturns(
      [
        ret('AUTHORIZED', '2026-11-22T09:59:59.999Z'),
        { ...ret('RECEIVED', '2026-11-20T10:00:00.000Z'), returnId: 'RMA-2' },
      ],
      NOW,
      POLICY,
    );
    expect(conditions.map((c) => [c.alertId, c.warehouseId, c.returnId])).toEqual([
      ['return-ageing:RMA-1', 'WH-2', 'RMA-1'],
      ['return-ageing:RMA-2', 'WH-2', 'RMA-2'],
    ]);
  });

  it('never alerts a return that is inspected, refunded, closed or rejected', () => {
    const old = '2026-11-01T00:00:00.000Z';
    const done = ['INSPECTED', 'REFUNDED', 'CLOSED', 'REJECTED'].map((status) => ret(status, old));
    expect(ageingReturns(done, NOW, POLICY)).toEqual([]);
  });
});

describe('stock below reorder point', () => {
  it('alerts when available is below the reorder point, not at it, and never without one', () => {
    const conditions = stockBelowReorderPoint([
      { warehouseId: 'WH-1', sku: 'SKU-A', available: 4, reorderPoint: 5 },
      { warehouseId: 'WH-1', sku: 'SKU-B', available: 5, reorderPoint: 5 },
      { warehouseId: 'WH-1', sku: 'SKU-C', available: -3, reorderPoint: null },
    ]);
    expect(conditions.map((c) => [c.alertId, c.sku, c.summary])).toEqual([
      ['stock-below-reorder-point:WH-1:SKU-A', 'SKU-A', 'SKU-A at WH-1: 4 available, reorder point 5'],
    ]);
  });
});

describe('warehouse feed silence', () => {
  const feed = (lastHeardAt: string) => ({
    warehouseId: 'WH-3',
    lastHeardAt,
    lastEventType: 'opsline.wms.goods-received.v1',
  });
  const since = '2026-11-24T00:00:00.000Z';

  it('alerts a warehouse not heard from for more than 60 minutes', () => {
    expect(silentWarehouses([feed('2026-11-25T09:00:00.000Z')], since, NOW, POLICY)).toEqual([]);
    const [alert] = silentWarehouses([feed('2026-11-25T08:59:00.000Z')], since, NOW, POLICY);
    expect(alert).toMatchObject({
      alertId: 'warehouse-feed-silent:WH-3',
      severity: 'critical',
      warehouseId: 'WH-3',
    });
    expect(alert.summary).toContain('for 61 min');
  });

  it('measures silence from when the service started listening, if that is later', () => {
    const old = feed('2026-11-20T00:00:00.000Z');
    expect(silentWarehouses([old], '2026-11-25T09:30:00.000Z', NOW, POLICY)).toEqual([]);
    expect(silentWarehouses([old], '2026-11-25T08:30:00.000Z', NOW, POLICY)).toHaveLength(1);
  });
});

describe('misrouted shipments', () => {
  const shipment = (warehouseId: string, allocatedWarehouseIds: string[]) => ({
    orderId: 'ORD-7',
    shipmentId: 'SHP-1',
    warehouseId,
    shippedAt: '2026-11-25T09:00:00.000Z',
    allocatedWarehouseIds,
  });

  it('alerts a shipment from a warehouse the order was never allocated at', () => {
    const [alert] = misroutedShipments([shipment('WH-2', ['WH-1'])]);
    expect(alert).toMatchObject({
      alertId: 'shipment-misrouted:ORD-7:SHP-1',
      warehouseId: 'WH-2',
      orderId: 'ORD-7',
      shipmentId: 'SHP-1',
    });
    expect(alert.summary).toContain('allocated at WH-1');
    expect(misroutedShipments([shipment('WH-2', [])])[0].summary).toContain('never allocated');
  });

  it('accepts a shipment from any warehouse the order was allocated at (a backorder filled elsewhere)', () => {
    expect(misroutedShipments([shipment('WH-2', ['WH-1', 'WH-2'])])).toEqual([]);
  });
});

describe('alert ids', () => {
  it('stay readable and within the 64 characters of a wire id', () => {
    expect(alertIdOf('order-at-risk', 'ORD-1')).toBe('order-at-risk:ORD-1');
    const long = alertIdOf('stock-below-reorder-point', `WH-1:${'S'.repeat(60)}`);
    expect(long).toMatch(/^stock-below-reorder-point:[0-9a-f]+$/);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(alertIdOf('stock-below-reorder-point', `WH-1:${'S'.repeat(60)}`)).toBe(long);
  });
});

it('alertConditions gathers every rule', () => {
  const conditions = alertConditions(
    {
      orders: [order('2026-11-25T11:00:00.000Z')],
      returns: [],
      positions: [{ warehouseId: 'WH-1', sku: 'SKU-A', available: 0, reorderPoint: 1 }],
      feeds: [],
      shipments: [],
      watchingSince: '2026-11-25T00:00:00.000Z',
    },
    NOW,
    POLICY,
  );
  expect(conditions.map((c) => c.kind)).toEqual(['order-at-risk', 'stock-below-reorder-point']);
});
