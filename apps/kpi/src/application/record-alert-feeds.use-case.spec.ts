import {
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  ORDERS_ORDER_PLACED_V1,
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
  ORDERS_ORDER_SHIPPED_V1,
} from '@opsline/contracts';
import type { ConsumedEvent } from '@opsline/messaging';
import type { EntityManager } from 'typeorm';
import { SYSTEM_CLOCK } from '../domain/alerts/alert';
import { AlertRepository } from '../infrastructure/alerts/alert.repository';
import { RecordAlertFeedsUseCase } from './record-alert-feeds.use-case';

const event = (type: string, data: object): ConsumedEvent =>
  ({ id: `evt-${type}`, type, subject: 'ORD-1', time: '2026-11-20T10:00:00.000Z', data }) as ConsumedEvent;

const shipped = (type: string, shipmentId: string) =>
  event(type, {
    orderId: 'ORD-1',
    shipmentId,
    shipmentWarehouseId: 'WH-2',
    shippedAt: '2026-11-20T12:00:00.000Z',
  });

describe('RecordAlertFeedsUseCase.orderEventsRecorded', () => {
  it('takes a whole run of opsline.orders: allocations and shipments in one call each, the other types passed over', async () => {
    const alerts = new AlertRepository();
    const allocations = jest.spyOn(alerts, 'recordAllocations').mockResolvedValue();
    const shipments = jest.spyOn(alerts, 'recordShipments').mockResolvedValue();
    const manager = {} as EntityManager;

    await new RecordAlertFeedsUseCase(alerts, SYSTEM_CLOCK).orderEventsRecorded(manager, [
      event(ORDERS_ORDER_PLACED_V1, { orderId: 'ORD-1' }),
      event(ORDERS_ORDER_ALLOCATED_V1, { orderId: 'ORD-1', allocationWarehouseId: 'WH-1' }),
      shipped(ORDERS_ORDER_PARTIALLY_SHIPPED_V1, 'SHP-1'),
      event(ORDERS_ORDER_BACKORDERED_V1, { orderId: 'ORD-1', allocationWarehouseId: 'WH-2' }),
      event(ORDERS_ORDER_CANCELLED_V1, { orderId: 'ORD-1' }),
      shipped(ORDERS_ORDER_SHIPPED_V1, 'SHP-2'),
      shipped(ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1, 'SHP-3'),
    ]);

    expect(allocations.mock.calls).toEqual([
      [
        manager,
        [
          { orderId: 'ORD-1', warehouseId: 'WH-1' },
          { orderId: 'ORD-1', warehouseId: 'WH-2' },
        ],
      ],
    ]);
    expect(shipments.mock.calls).toEqual([
      [
        manager,
        ['SHP-1', 'SHP-2', 'SHP-3'].map((shipmentId) => ({
          orderId: 'ORD-1',
          shipmentId,
          warehouseId: 'WH-2',
          shippedAt: '2026-11-20T12:00:00.000Z',
        })),
      ],
    ]);
  });
});
