import { isBelowReorderPoint } from '../inventory-kpis';
import { AlertCondition, AlertPolicy, conditionOf } from './alert';

/** An order that is neither complete nor cancelled (what the facts say of it). */
export interface UnshippedOrder {
  readonly orderId: string;
  readonly warehouseId: string | null;
  readonly promisedShipBy: string;
  readonly status: string;
  /** Every unit shipped or cancelled, at least one shipped. */
  readonly complete: boolean;
}

export interface OpenReturn {
  readonly returnId: string;
  readonly orderId: string;
  /** The order's warehouse, where the goods are expected back. */
  readonly warehouseId: string | null;
  readonly status: string;
  readonly requestedAt: string;
}

export interface StockPosition {
  readonly warehouseId: string;
  readonly sku: string;
  readonly available: number;
  readonly reorderPoint: number | null;
}

/** When the kpi service last heard anything from a warehouse's feed (`opsline.ingest.warehouse`). */
export interface WarehouseFeed {
  readonly warehouseId: string;
  readonly lastHeardAt: string;
  readonly lastEventType: string;
}

/** A recorded shipment with the warehouses its order was allocated at. */
export interface ShipmentRoute {
  readonly orderId: string;
  readonly shipmentId: string;
  /** The warehouse that confirmed the shipment. */
  readonly warehouseId: string;
  readonly shippedAt: string;
  readonly allocatedWarehouseIds: readonly string[];
}

/** Everything the rules look at. */
export interface AlertInputs {
  readonly orders: readonly UnshippedOrder[];
  readonly returns: readonly OpenReturn[];
  readonly positions: readonly StockPosition[];
  readonly feeds: readonly WarehouseFeed[];
  readonly shipments: readonly ShipmentRoute[];
  /**
   * Since when the service has been listening: silence is measured from the later of this and the
   * last event, so a restart after an outage does not call every warehouse silent before it caught up.
   */
  readonly watchingSince: string;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const CLOSED_ORDER_STATUSES = new Set(['SHIPPED', 'CANCELLED']);
/** Authorized and not yet inspected, refunded or closed (a rejected return is no work). */
const OPEN_RETURN_STATUSES = new Set(['AUTHORIZED', 'RECEIVED']);

const hoursBetween = (fromMs: number, toMs: number): string => ((toMs - fromMs) / HOUR_MS).toFixed(1);

/**
 * Orders not shipped in time: `order-overdue` (critical) once `promisedShipBy` has passed,
 * `order-at-risk` (warning) from `orderAtRiskHours` before it. Complete or cancelled orders never are.
 */
export function ordersAtRisk(
  orders: readonly UnshippedOrder[],
  now: Date,
  policy: AlertPolicy,
): AlertCondition[] {
  const nowMs = now.getTime();
  return orders.flatMap((order) => {
    if (order.complete || CLOSED_ORDER_STATUSES.has(order.status)) return [];
    const dueMs = Date.parse(order.promisedShipBy);
    const fields = { warehouseId: order.warehouseId, orderId: order.orderId };
    if (nowMs >= dueMs)
      return [
        conditionOf('order-overdue', 'critical', order.orderId, {
          ...fields,
          summary: `Order ${order.orderId} (${order.status}) was promised to ship by ${order.promisedShipBy} and is ${hoursBetween(dueMs, nowMs)} h late`,
        }),
      ];
    if (nowMs >= dueMs - policy.orderAtRiskHours * HOUR_MS)
      return [
        conditionOf('order-at-risk', 'warning', order.orderId, {
          ...fields,
          summary: `Order ${order.orderId} (${order.status}) is promised to ship by ${order.promisedShipBy}, ${hoursBetween(nowMs, dueMs)} h from now`,
        }),
      ];
    return [];
  });
}

/** Authorized returns neither inspected nor closed more than `returnAgeingHours` after they were requested. */
export function ageingReturns(
  returns: readonly OpenReturn[],
  now: Date,
  policy: AlertPolicy,
): AlertCondition[] {
  const nowMs = now.getTime();
  return returns.flatMap((ret) => {
    const requestedMs = Date.parse(ret.requestedAt);
    if (!OPEN_RETURN_STATUSES.has(ret.status) || nowMs - requestedMs <= policy.returnAgeingHours * HOUR_MS)
      return [];
    return [
      conditionOf('return-ageing', 'warning', ret.returnId, {
        warehouseId: ret.warehouseId,
        orderId: ret.orderId,
        returnId: ret.returnId,
        summary: `Return ${ret.returnId} of order ${ret.orderId} is ${ret.status} ${hoursBetween(requestedMs, nowMs)} h after it was requested (${ret.requestedAt})`,
      }),
    ];
  });
}

/** Positions whose available stock is below their reorder point (the inventory service's own test). */
export function stockBelowReorderPoint(positions: readonly StockPosition[]): AlertCondition[] {
  return positions.flatMap((position) =>
    isBelowReorderPoint(position.available, position.reorderPoint)
      ? [
          conditionOf('stock-below-reorder-point', 'warning', `${position.warehouseId}:${position.sku}`, {
            warehouseId: position.warehouseId,
            sku: position.sku,
            summary: `${position.sku} at ${position.warehouseId}: ${position.available} available, reorder point ${String(position.reorderPoint)}`,
          }),
        ]
      : [],
  );
}

/** Warehouses heard from at least once and not for longer than `warehouseSilenceMinutes`. */
export function silentWarehouses(
  feeds: readonly WarehouseFeed[],
  watchingSince: string,
  now: Date,
  policy: AlertPolicy,
): AlertCondition[] {
  const nowMs = now.getTime();
  const limitMs = policy.warehouseSilenceMinutes * MINUTE_MS;
  return feeds.flatMap((feed) => {
    const silentSinceMs = Math.max(Date.parse(feed.lastHeardAt), Date.parse(watchingSince));
    if (nowMs - silentSinceMs <= limitMs) return [];
    return [
      conditionOf('warehouse-feed-silent', 'critical', feed.warehouseId, {
        warehouseId: feed.warehouseId,
        summary: `Nothing heard from warehouse ${feed.warehouseId} for ${Math.floor((nowMs - silentSinceMs) / MINUTE_MS)} min (last: ${feed.lastEventType} at ${feed.lastHeardAt})`,
      }),
    ];
  });
}

/** Shipments confirmed by a warehouse their order was never allocated at. */
export function misroutedShipments(shipments: readonly ShipmentRoute[]): AlertCondition[] {
  return shipments.flatMap((shipment) =>
    shipment.allocatedWarehouseIds.includes(shipment.warehouseId)
      ? []
      : [
          conditionOf('shipment-misrouted', 'critical', `${shipment.orderId}:${shipment.shipmentId}`, {
            warehouseId: shipment.warehouseId,
            orderId: shipment.orderId,
            shipmentId: shipment.shipmentId,
            summary:
              shipment.allocatedWarehouseIds.length === 0
                ? `Warehouse ${shipment.warehouseId} shipped ${shipment.shipmentId} for order ${shipment.orderId}, which was never allocated`
                : `Warehouse ${shipment.warehouseId} shipped ${shipment.shipmentId} for order ${shipment.orderId}, allocated at ${shipment.allocatedWarehouseIds.join(', ')}`,
          }),
        ],
  );
}

/** Every condition that holds at `now`, one per alert id. */
export function alertConditions(inputs: AlertInputs, now: Date, policy: AlertPolicy): AlertCondition[] {
  const all = [
    ...ordersAtRisk(inputs.orders, now, policy),
    ...ageingReturns(inputs.returns, now, policy),
    ...stockBelowReorderPoint(inputs.positions),
    ...silentWarehouses(inputs.feeds, inputs.watchingSince, now, policy),
    ...misroutedShipments(inputs.shipments),
  ];
  return [...new Map(all.map((condition) => [condition.alertId, condition])).values()];
}
