import {
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
  ORDERS_ORDER_SHIPPED_V1,
} from '@opsline/contracts';
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

/** The `opsline.orders` types that say where an order was allocated. */
export const ALLOCATION_TYPES: ReadonlySet<string> = new Set([
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
]);
/** The `opsline.orders` types that record a shipment. */
export const SHIPMENT_TYPES: ReadonlySet<string> = new Set([
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  ORDERS_ORDER_SHIPPED_V1,
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
]);

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

  /**
   * Allocations (`order-allocated`, `order-backordered`) and shipments (the shipped types) of a run
   * of `opsline.orders` events, in one statement each (other types are passed over). Both are sets,
   * so recording an event again, or out of order, changes nothing: each read-model version's
   * consumer records them with its facts (a rebuild's too, which leaves no gap at its switch), and
   * the orders topic is read once.
   */
  async orderEventsRecorded(manager: EntityManager, events: readonly ConsumedEvent[]): Promise<void> {
    const allocations: { orderId: string; warehouseId: string }[] = [];
    const shipments: { orderId: string; shipmentId: string; warehouseId: string; shippedAt: string }[] = [];
    for (const event of events) {
      if (ALLOCATION_TYPES.has(event.type)) {
        const data = event.data as AllocationData;
        allocations.push({ orderId: data.orderId, warehouseId: data.allocationWarehouseId });
      } else if (SHIPMENT_TYPES.has(event.type)) {
        const data = event.data as ShipmentData;
        shipments.push({
          orderId: data.orderId,
          shipmentId: data.shipmentId,
          warehouseId: data.shipmentWarehouseId,
          shippedAt: data.shippedAt,
        });
      }
    }
    await this.alerts.recordAllocations(manager, allocations);
    await this.alerts.recordShipments(manager, shipments);
  }
}
