import type { ConsumedEvent } from '@opsline/messaging';
import { orderIdsOfRun } from './run-order-locks';

const event = (type: string, data: unknown): ConsumedEvent =>
  ({ id: `${type}-${JSON.stringify(data)}`, type, subject: 'x', data }) as unknown as ConsumedEvent;

describe('orderIdsOfRun', () => {
  it('names each order of the run once, whatever the event type', () => {
    expect(
      orderIdsOfRun([
        event('opsline.order.placed.v1', { orderId: 'ORD-7' }),
        event('opsline.order.cancelled.v1', { orderId: 'ORD-3' }),
        event('opsline.inventory.stock-reserved.v1', { orderId: 'ORD-7' }),
      ]),
    ).toEqual(['ORD-7', 'ORD-3']);
  });

  it('skips events that name no order', () => {
    expect(
      orderIdsOfRun([
        event('opsline.inventory.position-changed.v1', { warehouseId: 'WH-1' }),
        event('x', null),
      ]),
    ).toEqual([]);
  });
});
