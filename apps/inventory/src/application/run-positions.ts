import {
  GOODS_RECEIVED_V1,
  GoodsReceivedV1,
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_PLACED_V1,
  OrdersOrderCancelledV1,
  OrdersOrderPlacedV1,
  RETURN_INSPECTED_V1,
  ReturnInspectedV1,
  SHIPMENT_CONFIRMED_V1,
  ShipmentConfirmedV1,
  STOCK_ADJUSTED_V1,
  STOCK_COUNTED_V1,
  StockAdjustedV1,
  StockCountedV1,
} from '@opsline/contracts';
import type { ConsumedEvent } from '@opsline/messaging';

/** A warehouse × SKU position. */
export interface RunPositionKey {
  readonly warehouseId: string;
  readonly sku: string;
}

/** Every position a run of consumed events can lock, as far as the events themselves say. */
export interface RunPositions {
  /** Positions named by the events (created when missing). */
  readonly named: readonly RunPositionKey[];
  /** SKUs of orders without a warehouse: they may be allocated wherever the SKU is stocked. */
  readonly anyWarehouseSkus: readonly string[];
  /** Cancelled orders: their positions are at the warehouse they were allocated to (known to the database). */
  readonly cancelledOrders: readonly { readonly orderId: string; readonly skus: readonly string[] }[];
}

const skusOf = (lines: readonly { readonly sku: string }[]): string[] => [
  ...new Set(lines.map((line) => line.sku)),
];

/**
 * The positions the inventory handlers will lock for `events`, so the consumer can lock them all
 * at once, in key order, before applying any (see `@BeforeRun`): handlers that lock event by event
 * would otherwise take their locks in event order and deadlock with a concurrent run.
 */
export function positionsTouchedByRun(events: readonly ConsumedEvent[]): RunPositions {
  const named: RunPositionKey[] = [];
  const anyWarehouseSkus = new Set<string>();
  const cancelledOrders: { orderId: string; skus: string[] }[] = [];
  const at = (warehouseId: string, skus: readonly string[]) =>
    named.push(...skus.map((sku) => ({ warehouseId, sku })));
  for (const event of events) {
    switch (event.type) {
      case ORDERS_ORDER_PLACED_V1: {
        const order = event.data as OrdersOrderPlacedV1;
        if (order.warehouseId === undefined) skusOf(order.lines).forEach((sku) => anyWarehouseSkus.add(sku));
        else at(order.warehouseId, skusOf(order.lines));
        break;
      }
      case ORDERS_ORDER_CANCELLED_V1: {
        const order = event.data as OrdersOrderCancelledV1;
        cancelledOrders.push({ orderId: order.orderId, skus: skusOf(order.lines) });
        break;
      }
      case GOODS_RECEIVED_V1: {
        const receipt = event.data as GoodsReceivedV1;
        at(receipt.warehouseId, skusOf(receipt.lines));
        break;
      }
      case SHIPMENT_CONFIRMED_V1: {
        const shipment = event.data as ShipmentConfirmedV1;
        at(shipment.warehouseId, skusOf(shipment.lines));
        break;
      }
      case STOCK_ADJUSTED_V1:
      case STOCK_COUNTED_V1: {
        const movement = event.data as StockAdjustedV1 | StockCountedV1;
        at(movement.warehouseId, [movement.sku]);
        break;
      }
      case RETURN_INSPECTED_V1: {
        // only restocked units come back on hand: other dispositions touch no position
        const inspection = event.data as ReturnInspectedV1;
        at(inspection.warehouseId, skusOf(inspection.lines.filter((line) => line.disposition === 'RESTOCK')));
        break;
      }
    }
  }
  return { named, anyWarehouseSkus: [...anyWarehouseSkus], cancelledOrders };
}
