import {
  GOODS_RECEIVED_V1,
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_PLACED_V1,
  RETURN_INSPECTED_V1,
  SHIPMENT_CONFIRMED_V1,
  STOCK_ADJUSTED_V1,
  STOCK_COUNTED_V1,
} from '@opsline/contracts';
import type { ConsumedEvent } from '@opsline/messaging';
import { positionsTouchedByRun } from './run-positions';

let sequence = 0;
const event = (type: string, data: unknown): ConsumedEvent => ({
  id: `evt-${++sequence}`,
  type,
  source: '/test',
  subject: 'S',
  time: '2026-11-20T10:00:00.000Z',
  data,
});

describe('positionsTouchedByRun', () => {
  it('names the positions of every warehouse event, restocked inspection lines only', () => {
    const touched = positionsTouchedByRun([
      event(GOODS_RECEIVED_V1, { warehouseId: 'WH-2', lines: [{ sku: 'B' }, { sku: 'A' }, { sku: 'B' }] }),
      event(SHIPMENT_CONFIRMED_V1, { warehouseId: 'WH-1', lines: [{ sku: 'C' }] }),
      event(STOCK_ADJUSTED_V1, { warehouseId: 'WH-3', sku: 'D' }),
      event(STOCK_COUNTED_V1, { warehouseId: 'WH-3', sku: 'E' }),
      event(RETURN_INSPECTED_V1, {
        warehouseId: 'WH-1',
        lines: [
          { sku: 'F', disposition: 'RESTOCK' },
          { sku: 'G', disposition: 'SCRAP' },
        ],
      }),
    ]);
    expect(touched).toEqual({
      named: [
        { warehouseId: 'WH-2', sku: 'B' },
        { warehouseId: 'WH-2', sku: 'A' },
        { warehouseId: 'WH-1', sku: 'C' },
        { warehouseId: 'WH-3', sku: 'D' },
        { warehouseId: 'WH-3', sku: 'E' },
        { warehouseId: 'WH-1', sku: 'F' },
      ],
      anyWarehouseSkus: [],
      cancelledOrders: [],
    });
  });

  it('takes placed orders at their warehouse, or their SKUs anywhere, and cancelled orders by id', () => {
    const touched = positionsTouchedByRun([
      event(ORDERS_ORDER_PLACED_V1, { orderId: 'O1', warehouseId: 'WH-1', lines: [{ sku: 'A' }] }),
      event(ORDERS_ORDER_PLACED_V1, { orderId: 'O2', lines: [{ sku: 'B' }, { sku: 'C' }] }),
      event(ORDERS_ORDER_PLACED_V1, { orderId: 'O3', lines: [{ sku: 'B' }] }),
      event(ORDERS_ORDER_CANCELLED_V1, { orderId: 'O0', lines: [{ sku: 'Z' }, { sku: 'Z' }] }),
    ]);
    expect(touched).toEqual({
      named: [{ warehouseId: 'WH-1', sku: 'A' }],
      anyWarehouseSkus: ['B', 'C'],
      cancelledOrders: [{ orderId: 'O0', skus: ['Z'] }],
    });
  });

  it('ignores event types that touch no position', () => {
    expect(positionsTouchedByRun([event('opsline.orders.order-shipped.v1', {})])).toEqual({
      named: [],
      anyWarehouseSkus: [],
      cancelledOrders: [],
    });
  });
});
