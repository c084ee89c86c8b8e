import {
  INVENTORY_POSITION_CHANGED_V1,
  INVENTORY_STOCK_BACKORDERED_V1,
  INVENTORY_STOCK_COUNTED_V1,
  INVENTORY_STOCK_LEVEL_LOW_V1,
  INVENTORY_STOCK_RELEASED_V1,
  INVENTORY_STOCK_RESERVED_V1,
  INVENTORY_STOCK_SHIPPED_V1,
  INVENTORY_TOPIC,
  InventoryFirstAttemptLineV1,
  InventoryPositionChangedV1,
  InventoryStockBackorderedV1,
  InventoryStockCountedV1,
  InventoryStockLevelLowV1,
  InventoryStockReleasedV1,
  InventoryStockReservedV1,
  InventoryStockShippedV1,
} from '@opsline/contracts';
import { EventCause, OutboxEntry } from '@opsline/messaging';
import { randomUUID } from 'node:crypto';
import type { LineAllocation } from '../domain/allocation';
import { inventoryEventSubject, type InventoryDomainEvent } from '../domain/inventory-events';

type WireEvent =
  | { type: typeof INVENTORY_STOCK_RESERVED_V1; data: InventoryStockReservedV1 }
  | { type: typeof INVENTORY_STOCK_BACKORDERED_V1; data: InventoryStockBackorderedV1 }
  | { type: typeof INVENTORY_STOCK_SHIPPED_V1; data: InventoryStockShippedV1 }
  | { type: typeof INVENTORY_STOCK_RELEASED_V1; data: InventoryStockReleasedV1 }
  | { type: typeof INVENTORY_STOCK_LEVEL_LOW_V1; data: InventoryStockLevelLowV1 }
  | { type: typeof INVENTORY_STOCK_COUNTED_V1; data: InventoryStockCountedV1 }
  | { type: typeof INVENTORY_POSITION_CHANGED_V1; data: InventoryPositionChangedV1 };

/**
 * The outbox entries (`opsline.inventory`) of the domain's events. `firstAttempt` is the order's
 * first allocation result, attached to the allocation's reserved and backordered events.
 */
export function inventoryOutboxEntries(
  events: readonly InventoryDomainEvent[],
  cause: EventCause,
  firstAttempt?: readonly LineAllocation[],
): OutboxEntry[] {
  const attempt: InventoryFirstAttemptLineV1[] | undefined = firstAttempt?.map(
    ({ lineId, sku, ordered, reserved, backordered }) => ({ lineId, sku, ordered, reserved, backordered }),
  );
  return events.map((event) => {
    const wire = toWire(event, attempt);
    return {
      topic: INVENTORY_TOPIC,
      event: {
        specversion: '1.0',
        id: randomUUID(),
        source: '/services/inventory',
        type: wire.type,
        time: new Date().toISOString(),
        subject: inventoryEventSubject(event),
        datacontenttype: 'application/json',
        causationid: cause.eventId,
        ...(cause.correlationId === undefined ? {} : { correlationid: cause.correlationId }),
        data: wire.data,
      },
    };
  });
}

function toWire(event: InventoryDomainEvent, attempt: InventoryFirstAttemptLineV1[] | undefined): WireEvent {
  switch (event.type) {
    case 'stock.reserved':
      return {
        type: INVENTORY_STOCK_RESERVED_V1,
        data: {
          orderId: event.orderId,
          warehouseId: event.warehouseId,
          reservedAt: event.at,
          cause: event.cause,
          trigger: event.trigger,
          lines: event.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
          ...(event.cause === 'allocation' && attempt !== undefined ? { firstAttempt: attempt } : {}),
        },
      };
    case 'stock.backordered':
      return {
        type: INVENTORY_STOCK_BACKORDERED_V1,
        data: {
          orderId: event.orderId,
          warehouseId: event.warehouseId,
          placedAt: event.at,
          lines: event.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
          firstAttempt: attempt ?? [],
        },
      };
    case 'stock.shipped':
      return {
        type: INVENTORY_STOCK_SHIPPED_V1,
        data: {
          orderId: event.orderId,
          shipmentId: event.shipmentId,
          warehouseId: event.warehouseId,
          shippedAt: event.at,
          lines: event.lines.map((line) => ({ ...line })),
        },
      };
    case 'stock.level-low':
      return {
        type: INVENTORY_STOCK_LEVEL_LOW_V1,
        data: {
          warehouseId: event.warehouseId,
          sku: event.sku,
          detectedAt: event.at,
          available: event.available,
          reorderPoint: event.reorderPoint,
        },
      };
    case 'stock.counted':
      return {
        type: INVENTORY_STOCK_COUNTED_V1,
        data: {
          warehouseId: event.warehouseId,
          sku: event.sku,
          countId: event.countId,
          countedAt: event.at,
          countedQuantity: event.countedQuantity,
          onHandAtCount: event.onHandAtCount,
          accurate: event.accurate,
          ...(event.restated ? { restated: true } : {}),
        },
      };
    case 'position.changed':
      return {
        type: INVENTORY_POSITION_CHANGED_V1,
        data: {
          warehouseId: event.warehouseId,
          sku: event.sku,
          changedAt: event.at,
          onHand: event.onHand,
          reserved: event.reserved,
          available: event.available,
          backordered: event.backordered,
          ...(event.reorderPoint === null ? {} : { reorderPoint: event.reorderPoint }),
        },
      };
    case 'stock.released':
      return {
        type: INVENTORY_STOCK_RELEASED_V1,
        data: {
          orderId: event.orderId,
          warehouseId: event.warehouseId,
          releasedAt: event.at,
          lines: event.lines.map((line) => ({ ...line })),
        },
      };
  }
}
