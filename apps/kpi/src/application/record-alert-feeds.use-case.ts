import type { ConsumedEvent } from '@opsline/messaging';
import type { EntityManager } from 'typeorm';
import type { Clock } from '../domain/alerts/alert';
import { AlertRepository } from '../infrastructure/alerts/alert.repository';

/** The fields the feed monitor reads of the events it consumes (the contract classes have more). */
interface WarehouseEventData {
  readonly warehouseId: string;
}
interface AllocationData {
  readonly orderId: string;
  readonly allocationWarehouseId: string;
}
interface ShipmentData {
  readonly orderId: string;
  readonly shipmentId: string;
  readonly shipmentWarehouseId: string;
  readonly shippedAt: string;
}

/**
 * Records what the warehouse-feed alerts need, in the consumer's transaction: when each warehouse was
 * last heard on `opsline.ingest.warehouse` (by this service's clock, at consumption: the feed's
 * arrival, not the business time the warehouse stamped), and from `opsline.orders` where each order
 * was allocated and which warehouse shipped each shipment.
 */
export class RecordAlertFeedsUseCase {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly clock: Clock,
  ) {}

  async warehouseEventsHeard(manager: EntityManager, events: readonly ConsumedEvent[]): Promise<void> {
    const heardAt = this.clock.now().toISOString();
    await this.alerts.recordFeedsHeard(
      manager,
      events.map((event) => ({
        warehouseId: (event.data as WarehouseEventData).warehouseId,
        heardAt,
        eventType: event.type,
      })),
    );
  }

  async ordersAllocated(manager: EntityManager, events: readonly ConsumedEvent[]): Promise<void> {
    await this.alerts.recordAllocations(
      manager,
      events.map((event) => {
        const data = event.data as AllocationData;
        return { orderId: data.orderId, warehouseId: data.allocationWarehouseId };
      }),
    );
  }

  async shipmentsRecorded(manager: EntityManager, events: readonly ConsumedEvent[]): Promise<void> {
    await this.alerts.recordShipments(
      manager,
      events.map((event) => {
        const data = event.data as ShipmentData;
        return {
          orderId: data.orderId,
          shipmentId: data.shipmentId,
          warehouseId: data.shipmentWarehouseId,
          shippedAt: data.shippedAt,
        };
      }),
    );
  }
}
