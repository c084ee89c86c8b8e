import type { ConsumedEvent } from '@opsline/messaging';
import { aggregatesOfRun } from './run-return-locks';

const event = (type: string, data: unknown): ConsumedEvent =>
  ({ id: `${type}-${JSON.stringify(data)}`, type, subject: 'x', data }) as unknown as ConsumedEvent;

describe('aggregatesOfRun', () => {
  it('names each return and each order of the run once', () => {
    expect(
      aggregatesOfRun([
        event('opsline.return.requested.v1', { returnId: 'RMA-2', orderId: 'ORD-9' }),
        event('opsline.wms.return-received.v1', { returnId: 'RMA-1' }),
        event('opsline.orders.order-shipped.v1', { orderId: 'ORD-9' }),
        event('opsline.orders.order-placed.v1', { orderId: 'ORD-3' }),
      ]),
    ).toEqual({ returnIds: ['RMA-2', 'RMA-1'], orderIds: ['ORD-9', 'ORD-3'] });
  });

  it('skips what names neither', () => {
    expect(aggregatesOfRun([event('x', null), event('y', { warehouseId: 'WH-1' })])).toEqual({
      returnIds: [],
      orderIds: [],
    });
  });
});
