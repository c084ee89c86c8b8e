import type { ValidatedClass } from './common/collections';
import type { CloudEvent } from './envelope/cloud-event';
import { GOODS_RECEIVED_V1, GoodsReceivedV1 } from './events/ingest/goods-received.v1';
import { ORDER_CANCELLED_V1, OrderCancelledV1 } from './events/ingest/order-cancelled.v1';
import { ORDER_PLACED_V1, OrderPlacedV1 } from './events/ingest/order-placed.v1';
import { RETURN_INSPECTED_V1, ReturnInspectedV1 } from './events/ingest/return-inspected.v1';
import { RETURN_RECEIVED_V1, ReturnReceivedV1 } from './events/ingest/return-received.v1';
import { RETURN_REQUESTED_V1, ReturnRequestedV1 } from './events/ingest/return-requested.v1';
import { SHIPMENT_CONFIRMED_V1, ShipmentConfirmedV1 } from './events/ingest/shipment-confirmed.v1';
import { STOCK_ADJUSTED_V1, StockAdjustedV1 } from './events/ingest/stock-adjusted.v1';
import { STOCK_COUNTED_V1, StockCountedV1 } from './events/ingest/stock-counted.v1';
import {
  INVENTORY_STOCK_BACKORDERED_V1,
  InventoryStockBackorderedV1,
} from './events/inventory/inventory-stock-backordered.v1';
import {
  INVENTORY_STOCK_LEVEL_LOW_V1,
  InventoryStockLevelLowV1,
} from './events/inventory/inventory-stock-level-low.v1';
import {
  INVENTORY_STOCK_RESERVED_V1,
  InventoryStockReservedV1,
} from './events/inventory/inventory-stock-reserved.v1';
import {
  INVENTORY_STOCK_RELEASED_V1,
  InventoryStockReleasedV1,
} from './events/inventory/inventory-stock-released.v1';
import {
  INVENTORY_STOCK_SHIPPED_V1,
  InventoryStockShippedV1,
} from './events/inventory/inventory-stock-shipped.v1';
import { ORDERS_ORDER_PLACED_V1, OrdersOrderPlacedV1 } from './events/orders/orders-order-placed.v1';
import { ORDERS_ORDER_ALLOCATED_V1, OrdersOrderAllocatedV1 } from './events/orders/orders-order-allocated.v1';
import {
  ORDERS_ORDER_BACKORDERED_V1,
  OrdersOrderBackorderedV1,
} from './events/orders/orders-order-backordered.v1';
import {
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  OrdersOrderPartiallyShippedV1,
} from './events/orders/orders-order-partially-shipped.v1';
import { ORDERS_ORDER_SHIPPED_V1, OrdersOrderShippedV1 } from './events/orders/orders-order-shipped.v1';
import { ORDERS_ORDER_CANCELLED_V1, OrdersOrderCancelledV1 } from './events/orders/orders-order-cancelled.v1';
import {
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
  OrdersOrderShippedAfterCancellationV1,
} from './events/orders/orders-order-shipped-after-cancellation.v1';
import {
  RETURNS_RETURN_AUTHORIZED_V1,
  ReturnsReturnAuthorizedV1,
} from './events/returns/returns-return-authorized.v1';
import {
  RETURNS_RETURN_REJECTED_V1,
  ReturnsReturnRejectedV1,
} from './events/returns/returns-return-rejected.v1';
import {
  RETURNS_RETURN_RECEIVED_V1,
  ReturnsReturnReceivedV1,
} from './events/returns/returns-return-received.v1';
import {
  RETURNS_RETURN_INSPECTED_V1,
  ReturnsReturnInspectedV1,
} from './events/returns/returns-return-inspected.v1';
import {
  RETURNS_RETURN_REFUNDED_V1,
  ReturnsReturnRefundedV1,
} from './events/returns/returns-return-refunded.v1';
import { RETURNS_RETURN_CLOSED_V1, ReturnsReturnClosedV1 } from './events/returns/returns-return-closed.v1';
import {
  INVENTORY_POSITION_CHANGED_V1,
  InventoryPositionChangedV1,
} from './events/inventory/inventory-position-changed.v1';
import {
  INVENTORY_STOCK_COUNTED_V1,
  InventoryStockCountedV1,
} from './events/inventory/inventory-stock-counted.v1';

import { ALERTS_ALERT_RAISED_V1, AlertsAlertRaisedV1 } from './events/alerts/alerts-alert-raised.v1';
import { ALERTS_ALERT_RESOLVED_V1, AlertsAlertResolvedV1 } from './events/alerts/alerts-alert-resolved.v1';

/** Event type → the class its `data` is validated as and turned into. */
export type EventDataClassMap = Readonly<Record<string, ValidatedClass>>;

/**
 * Every event type opsline accepts or publishes, with its `data` class. To add a type, import
 * its constant and class and add one line; `EventTypeName`, `EventData`, the validator, the
 * JSON Schemas and their drift test pick it up.
 */
export const EVENT_DATA_CLASSES = {
  // ingest (contract §2)
  [ORDER_PLACED_V1]: OrderPlacedV1,
  [ORDER_CANCELLED_V1]: OrderCancelledV1,
  [RETURN_REQUESTED_V1]: ReturnRequestedV1,
  [GOODS_RECEIVED_V1]: GoodsReceivedV1,
  [SHIPMENT_CONFIRMED_V1]: ShipmentConfirmedV1,
  [STOCK_ADJUSTED_V1]: StockAdjustedV1,
  [STOCK_COUNTED_V1]: StockCountedV1,
  [RETURN_RECEIVED_V1]: ReturnReceivedV1,
  [RETURN_INSPECTED_V1]: ReturnInspectedV1,
  // domain (contract §3): `events/<service>/*.v1.ts`, published on the service's topic
  [ORDERS_ORDER_PLACED_V1]: OrdersOrderPlacedV1,
  [ORDERS_ORDER_ALLOCATED_V1]: OrdersOrderAllocatedV1,
  [ORDERS_ORDER_BACKORDERED_V1]: OrdersOrderBackorderedV1,
  [ORDERS_ORDER_PARTIALLY_SHIPPED_V1]: OrdersOrderPartiallyShippedV1,
  [ORDERS_ORDER_SHIPPED_V1]: OrdersOrderShippedV1,
  [ORDERS_ORDER_CANCELLED_V1]: OrdersOrderCancelledV1,
  [ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1]: OrdersOrderShippedAfterCancellationV1,
  [INVENTORY_STOCK_RESERVED_V1]: InventoryStockReservedV1,
  [INVENTORY_STOCK_BACKORDERED_V1]: InventoryStockBackorderedV1,
  [INVENTORY_STOCK_SHIPPED_V1]: InventoryStockShippedV1,
  [INVENTORY_STOCK_RELEASED_V1]: InventoryStockReleasedV1,
  [INVENTORY_STOCK_LEVEL_LOW_V1]: InventoryStockLevelLowV1,
  [INVENTORY_STOCK_COUNTED_V1]: InventoryStockCountedV1,
  [INVENTORY_POSITION_CHANGED_V1]: InventoryPositionChangedV1,
  [RETURNS_RETURN_AUTHORIZED_V1]: ReturnsReturnAuthorizedV1,
  [RETURNS_RETURN_REJECTED_V1]: ReturnsReturnRejectedV1,
  [RETURNS_RETURN_RECEIVED_V1]: ReturnsReturnReceivedV1,
  [RETURNS_RETURN_INSPECTED_V1]: ReturnsReturnInspectedV1,
  [RETURNS_RETURN_REFUNDED_V1]: ReturnsReturnRefundedV1,
  [RETURNS_RETURN_CLOSED_V1]: ReturnsReturnClosedV1,
  [ALERTS_ALERT_RAISED_V1]: AlertsAlertRaisedV1,
  [ALERTS_ALERT_RESOLVED_V1]: AlertsAlertResolvedV1,
} as const satisfies EventDataClassMap;

/** Every registered event type, `'opsline.order.placed.v1' | …`. */
export type EventTypeName = keyof typeof EVENT_DATA_CLASSES;

/** The `data` class instance of event type `T`: `EventData<'opsline.order.placed.v1'>` is `OrderPlacedV1`. */
export type EventData<T extends EventTypeName> = InstanceType<(typeof EVENT_DATA_CLASSES)[T]>;

/** The validated events of a data-class map, as a union discriminated by `type`. */
export type CloudEventOf<TMap extends EventDataClassMap> = {
  [K in keyof TMap & string]: CloudEvent<K, InstanceType<TMap[K]>>;
}[keyof TMap & string];

/**
 * Any validated opsline event; narrow it with `type`:
 * `if (event.type === ORDER_PLACED_V1) event.data.lines …`.
 */
export type OpslineCloudEvent = CloudEventOf<typeof EVENT_DATA_CLASSES>;

/** A validated event of the registered type `T`. */
export type OpslineCloudEventOf<T extends EventTypeName> = CloudEvent<T, EventData<T>>;

/** True when `type` is a registered event type. */
export function isEventTypeName(type: unknown): type is EventTypeName {
  return typeof type === 'string' && Object.hasOwn(EVENT_DATA_CLASSES, type);
}

/**
 * Turns a validated event of an old version into the `data` of the next version. Versions are
 * never edited: a change ships as a new `.v2.ts` type registered beside the `.v1`, plus one
 * upcaster `v1 → v2`. The validator applies upcasters after validating the old version and
 * validates the result as the new version, so consumers only handle the newest version.
 */
export interface EventUpcaster {
  /** The type the event becomes. */
  readonly toType: string;
  /** Builds the new version's plain `data` from the old version's validated event. */
  readonly upcast: (event: CloudEvent<string, object>) => unknown;
}

/** Old event type → its upcaster. */
export type EventUpcasterMap = Readonly<Record<string, EventUpcaster>>;

/**
 * A typed upcaster from `TFrom`'s data to `TTo`'s plain data (the validator turns it into a
 * class instance and validates it).
 */
export function defineUpcaster<TFromData extends object, TToData extends object>(
  toType: string,
  upcast: (data: TFromData, event: CloudEvent<string, TFromData>) => TToData,
): EventUpcaster {
  return {
    toType,
    // The validator only hands an upcaster events of the type it is registered under, whose
    // data was validated as that type's class, so the narrowing below holds.
    upcast: (event) => {
      const typed = event as CloudEvent<string, TFromData>;
      return upcast(typed.data, typed);
    },
  };
}

/**
 * Upcasters of the registered types, keyed by the old type. Empty while every type is `.v1`;
 * add `[ORDER_PLACED_V1]: defineUpcaster<OrderPlacedV1, OrderPlacedV2>(ORDER_PLACED_V2, …)`.
 */
export const EVENT_UPCASTERS: EventUpcasterMap = {};
