import { Injectable } from '@nestjs/common';
import { BatchHandlerContext, BeforeRun, ConsumedEvent } from '@opsline/messaging';
import { positionsTouchedByRun } from '../application/run-positions';
import { InventoryRepository } from './inventory.repository';

/**
 * Locks every position a consumer transaction will touch before any handler runs, in one statement
 * in key order. Without it a run of warehouse events locks position by position in event order,
 * and two runs applied at once (warehouse and orders partitions, or two instances) deadlock.
 */
@Injectable()
export class RunPositionLocks {
  constructor(private readonly repository: InventoryRepository) {}

  @BeforeRun()
  async lockTouchedPositions(
    events: readonly ConsumedEvent[],
    { manager }: Omit<BatchHandlerContext, 'records'>,
  ): Promise<void> {
    const { named, anyWarehouseSkus, cancelledOrders } = positionsTouchedByRun(events);
    const warehouses = await this.repository.allocatedWarehousesOf(
      manager,
      cancelledOrders.map((order) => order.orderId),
    );
    const cancelled = cancelledOrders.flatMap(({ orderId, skus }) => {
      const warehouseId = warehouses.get(orderId);
      return warehouseId === undefined ? [] : skus.map((sku) => ({ warehouseId, sku }));
    });
    await this.repository.lockPositionsForRun(manager, [...named, ...cancelled], anyWarehouseSkus);
  }
}
