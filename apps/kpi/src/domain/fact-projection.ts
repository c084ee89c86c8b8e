import type {
  InventoryPositionChangedV1,
  InventoryStockCountedV1,
  OrdersOrderAllocatedV1,
  OrdersOrderPlacedV1,
  OrdersShipmentLineV1,
  ReturnsInspectionLineV1,
  ReturnsReturnAuthorizedV1,
} from '@opsline/contracts';
import type {
  CycleCountFact,
  InspectionFact,
  InspectionLineFact,
  OrderFact,
  OrderLineFact,
  PositionFact,
  ReturnFact,
  ReturnLineFact,
  ShipmentLineFact,
} from './kpi-facts';

/**
 * Pure projections of domain events onto facts. The Kafka handlers write what these return; the
 * reference computation (tests) applies the same projections in memory.
 */

/**
 * An order fact as one event states it; `cancelledAt` undefined means "this event does not say".
 * Every projection builds it with the same properties in the same order: objects of one shape keep
 * the code reading them fast (with three shapes, copying one took 8 µs instead of 0.2).
 */
export type OrderFactChange = Omit<OrderFact, 'cancelledAt'> & { readonly cancelledAt: string | undefined };

export interface OrderProjection {
  readonly order: OrderFactChange;
  readonly lines: readonly OrderLineFact[];
  /** False for order-placed: it never overwrites a snapshot heard before. */
  readonly replacesExisting: boolean;
  readonly shipmentLines: readonly ShipmentLineFact[];
}

/** The snapshot fields every orders lifecycle event carries, plus the optional own fields the KPIs use. */
export type OrderLifecycleData = Pick<
  OrdersOrderAllocatedV1,
  | 'orderId'
  | 'channel'
  | 'placedAt'
  | 'promisedShipBy'
  | 'warehouseId'
  | 'status'
  | 'lines'
  | 'wasBackorderedAtFirstAttempt'
  | 'shipmentCount'
  | 'lastShipmentAt'
> & {
  readonly cancelledAt?: string;
  readonly shipmentId?: string;
  readonly shippedAt?: string;
  readonly shipmentWarehouseId?: string;
  readonly shipmentLines?: readonly OrdersShipmentLineV1[];
};

export function projectOrderPlaced(data: OrdersOrderPlacedV1): OrderProjection {
  return {
    order: {
      orderId: data.orderId,
      channel: data.channel,
      warehouseId: data.warehouseId ?? null,
      placedAt: data.placedAt,
      promisedShipBy: data.promisedShipBy,
      status: 'PLACED',
      cancelledAt: undefined,
      complete: false,
      lastShipmentAt: null,
      shipmentCount: 0,
      backorderedAtFirstAttempt: null,
    },
    lines: data.lines.map((line) => ({
      orderId: data.orderId,
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      reservedAtFirstAttempt: null,
      shippedQuantity: 0,
      cancelledQuantity: 0,
    })),
    replacesExisting: false,
    shipmentLines: [],
  };
}

/** §5 `ordersShipped`: every unit shipped or cancelled, and at least one shipped. */
export function isOrderComplete(
  lines: readonly Pick<OrderLineFact, 'quantity' | 'shippedQuantity' | 'cancelledQuantity'>[],
): boolean {
  return (
    lines.every((line) => line.shippedQuantity + line.cancelledQuantity >= line.quantity) &&
    lines.some((line) => line.shippedQuantity > 0)
  );
}

export function projectOrderLifecycle(data: OrderLifecycleData): OrderProjection {
  const lines: OrderLineFact[] = data.lines.map((line) => ({
    orderId: data.orderId,
    lineId: line.lineId,
    sku: line.sku,
    quantity: line.quantity,
    unitPriceMinor: line.unitPriceMinor,
    reservedAtFirstAttempt: line.reservedAtFirstAttempt ?? null,
    shippedQuantity: line.shippedQuantity,
    cancelledQuantity: line.cancelledQuantity,
  }));
  return {
    order: {
      orderId: data.orderId,
      channel: data.channel,
      warehouseId: data.warehouseId ?? null,
      placedAt: data.placedAt,
      promisedShipBy: data.promisedShipBy,
      status: data.status,
      cancelledAt: data.cancelledAt,
      complete: isOrderComplete(lines),
      lastShipmentAt: data.lastShipmentAt ?? null,
      shipmentCount: data.shipmentCount,
      backorderedAtFirstAttempt: data.wasBackorderedAtFirstAttempt ?? null,
    },
    lines,
    replacesExisting: true,
    shipmentLines: shipmentLinesOf(data),
  };
}

function shipmentLinesOf(data: OrderLifecycleData): ShipmentLineFact[] {
  const { shipmentId, shippedAt, shipmentWarehouseId, shipmentLines } = data;
  if (shipmentId === undefined || shippedAt === undefined || shipmentWarehouseId === undefined) return [];
  return (shipmentLines ?? []).map((line, lineNo) => ({
    orderId: data.orderId,
    shipmentId,
    lineNo,
    lineId: line.lineId,
    sku: line.sku,
    quantity: line.quantity,
    warehouseId: shipmentWarehouseId,
    channel: data.channel,
    shippedAt,
  }));
}

/** The order fact after `change` is applied to `existing` (undefined when not seen yet). */
export function mergeOrderFact(existing: OrderFact | undefined, change: OrderFactChange): OrderFact {
  return { ...change, cancelledAt: change.cancelledAt ?? existing?.cancelledAt ?? null };
}

/** The snapshot fields every returns event carries, plus the inspection's own fields. */
export type ReturnEventData = Pick<
  ReturnsReturnAuthorizedV1,
  | 'returnId'
  | 'orderId'
  | 'channel'
  | 'orderWarehouseId'
  | 'requestedAt'
  | 'status'
  | 'lines'
  | 'firstReceivedAt'
> & {
  readonly inspectionWarehouseId?: string;
  readonly inspectedAt?: string;
  readonly inspectionLines?: readonly ReturnsInspectionLineV1[];
};

export interface ReturnProjection {
  readonly returnFact: ReturnFact;
  readonly lines: readonly ReturnLineFact[];
  readonly inspection: InspectionFact | null;
  readonly inspectionLines: readonly InspectionLineFact[];
}

/** `eventId` keys the inspection: the de-duplication key of the event that reported it. */
export function projectReturnEvent(data: ReturnEventData, eventId: string): ReturnProjection {
  const { inspectionWarehouseId, inspectedAt } = data;
  const inspection =
    inspectionWarehouseId === undefined || inspectedAt === undefined
      ? null
      : { inspectionId: eventId, returnId: data.returnId, warehouseId: inspectionWarehouseId, inspectedAt };
  return {
    returnFact: {
      returnId: data.returnId,
      orderId: data.orderId,
      channel: data.channel ?? null,
      orderWarehouseId: data.orderWarehouseId ?? null,
      requestedAt: data.requestedAt,
      status: data.status,
      firstReceivedAt: data.firstReceivedAt ?? null,
    },
    lines: data.lines.map((line) => ({
      returnId: data.returnId,
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      reasonCode: line.reasonCode,
      authorizedQuantity: line.authorizedQuantity,
    })),
    inspection,
    inspectionLines:
      inspection === null
        ? []
        : (data.inspectionLines ?? []).map((line, lineNo) => ({
            inspectionId: eventId,
            lineNo,
            returnId: data.returnId,
            sku: line.sku,
            quantity: line.quantity,
            disposition: line.disposition,
            recoveredValueMinor: line.recoveredValueMinor,
            unitPriceMinor: line.unitPriceMinor,
          })),
  };
}

export function projectStockCounted(data: InventoryStockCountedV1): CycleCountFact {
  return {
    countId: data.countId,
    warehouseId: data.warehouseId,
    sku: data.sku,
    countedAt: data.countedAt,
    accurate: data.accurate,
  };
}

export function projectPositionChanged(data: InventoryPositionChangedV1): PositionFact {
  return {
    warehouseId: data.warehouseId,
    sku: data.sku,
    onHand: data.onHand,
    reserved: data.reserved,
    available: data.available,
    backordered: data.backordered,
    reorderPoint: data.reorderPoint ?? null,
    changedAt: data.changedAt,
  };
}
