import { GOODS_RECEIVED_V1 } from '../events/ingest/goods-received.v1';
import { ORDER_CANCELLED_V1 } from '../events/ingest/order-cancelled.v1';
import { ORDER_PLACED_V1 } from '../events/ingest/order-placed.v1';
import { RETURN_INSPECTED_V1 } from '../events/ingest/return-inspected.v1';
import { RETURN_RECEIVED_V1 } from '../events/ingest/return-received.v1';
import { RETURN_REQUESTED_V1 } from '../events/ingest/return-requested.v1';
import { SHIPMENT_CONFIRMED_V1 } from '../events/ingest/shipment-confirmed.v1';
import { STOCK_ADJUSTED_V1 } from '../events/ingest/stock-adjusted.v1';
import { STOCK_COUNTED_V1 } from '../events/ingest/stock-counted.v1';
import { INVENTORY_STOCK_BACKORDERED_V1 } from '../events/inventory/inventory-stock-backordered.v1';
import { INVENTORY_STOCK_LEVEL_LOW_V1 } from '../events/inventory/inventory-stock-level-low.v1';
import { INVENTORY_STOCK_RESERVED_V1 } from '../events/inventory/inventory-stock-reserved.v1';
import { INVENTORY_STOCK_RELEASED_V1 } from '../events/inventory/inventory-stock-released.v1';
import { INVENTORY_STOCK_SHIPPED_V1 } from '../events/inventory/inventory-stock-shipped.v1';
import { ORDERS_ORDER_PLACED_V1 } from '../events/orders/orders-order-placed.v1';
import { ORDERS_ORDER_ALLOCATED_V1 } from '../events/orders/orders-order-allocated.v1';
import { ORDERS_ORDER_BACKORDERED_V1 } from '../events/orders/orders-order-backordered.v1';
import { ORDERS_ORDER_PARTIALLY_SHIPPED_V1 } from '../events/orders/orders-order-partially-shipped.v1';
import { ORDERS_ORDER_SHIPPED_V1 } from '../events/orders/orders-order-shipped.v1';
import { ORDERS_ORDER_CANCELLED_V1 } from '../events/orders/orders-order-cancelled.v1';
import { ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1 } from '../events/orders/orders-order-shipped-after-cancellation.v1';
import { RETURNS_RETURN_AUTHORIZED_V1 } from '../events/returns/returns-return-authorized.v1';
import { RETURNS_RETURN_REJECTED_V1 } from '../events/returns/returns-return-rejected.v1';
import { RETURNS_RETURN_RECEIVED_V1 } from '../events/returns/returns-return-received.v1';
import { RETURNS_RETURN_INSPECTED_V1 } from '../events/returns/returns-return-inspected.v1';
import { RETURNS_RETURN_REFUNDED_V1 } from '../events/returns/returns-return-refunded.v1';
import { RETURNS_RETURN_CLOSED_V1 } from '../events/returns/returns-return-closed.v1';
import { INVENTORY_POSITION_CHANGED_V1 } from '../events/inventory/inventory-position-changed.v1';
import { INVENTORY_STOCK_COUNTED_V1 } from '../events/inventory/inventory-stock-counted.v1';
import { ALERTS_ALERT_RAISED_V1 } from '../events/alerts/alerts-alert-raised.v1';
import { ALERTS_ALERT_RESOLVED_V1 } from '../events/alerts/alerts-alert-resolved.v1';
import type { EventTypeName } from '../registry';

/** ORD-1001 close to its promised ship-by time, as the kpi service raises it. */
const ALERT_AT_RISK = {
  alertId: 'order-at-risk:ORD-1001',
  occurrence: 1,
  kind: 'order-at-risk',
  severity: 'warning',
  warehouseId: 'WH-1',
  orderId: 'ORD-1001',
  raisedAt: '2026-11-20T11:00:00.000Z',
  summary: 'Order ORD-1001 is not shipped and is promised to ship by 2026-11-20T15:00:00.000Z',
};

/** A wire event as JSON would give it: plain objects only. */
export type PlainCloudEvent = { [attribute: string]: unknown; data: Record<string, unknown> };

/** ORD-1001 of the placement example, as the orders domain events carry it. */
const ORDER_SNAPSHOT_FACTS = {
  orderId: 'ORD-1001',
  channel: 'webshop',
  currency: 'EUR',
  placedAt: '2026-11-20T10:00:00.000Z',
  promisedShipBy: '2026-11-21T16:00:00.000Z',
  warehouseId: 'WH-1',
  customerId: 'CUST-42',
};
const ORDER_SNAPSHOT_LINES = [
  { lineId: '1', sku: 'SKU-42', quantity: 2, unitPriceMinor: 1999 },
  { lineId: '2', sku: 'SKU-7', quantity: 1, unitPriceMinor: 0 },
];

interface LineProgress {
  reservedAtFirstAttempt: number;
  shippedQuantity: number;
  cancelledQuantity: number;
}

/** The order snapshot every orders domain event starts with, at `status` with each line's progress. */
function orderSnapshot(
  status: string,
  occurredAt: string,
  progress: readonly LineProgress[],
): Record<string, unknown> {
  return {
    ...ORDER_SNAPSHOT_FACTS,
    status,
    occurredAt,
    lines: ORDER_SNAPSHOT_LINES.map((line, i) => ({ ...line, ...progress[i] })),
  };
}

interface ReturnLineProgress {
  authorizedQuantity: number;
  receivedQuantity: number;
  inspectedQuantity: number;
  refundedQuantity: number;
}

/** The return snapshot every returns domain event starts with: RMA-77 for line 1 of ORD-1001. */
function returnSnapshot(
  status: string,
  occurredAt: string,
  progress: ReturnLineProgress,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    returnId: 'RMA-77',
    orderId: 'ORD-1001',
    channel: 'webshop',
    currency: 'EUR',
    orderWarehouseId: 'WH-1',
    requestedAt: '2026-11-22T09:00:00.000Z',
    status,
    occurredAt,
    lines: [
      { lineId: '1', sku: 'SKU-42', quantity: 1, reasonCode: 'SIZE_FIT', unitPriceMinor: 1999, ...progress },
    ],
    refundedAmountMinor: 0,
    ...extra,
  };
}

const RECEIVED_AT = '2026-11-24T11:00:00.000Z';
const INSPECTED_AT = '2026-11-25T08:30:00.000Z';
const REFUND_LINE = {
  lineId: '1',
  sku: 'SKU-42',
  quantity: 1,
  unitPriceMinor: 1999,
  restockingFeeMinor: 200,
  amountMinor: 1799,
};

/** Realistic `data` of every registered type, as a sender would put it on the wire. */
export const EXAMPLE_DATA: { readonly [T in EventTypeName]: Record<string, unknown> } = {
  [ORDER_PLACED_V1]: {
    orderId: 'ORD-1001',
    channel: 'webshop',
    currency: 'EUR',
    promisedShipBy: '2026-11-21T16:00:00.000Z',
    warehouseId: 'WH-1',
    customerId: 'CUST-42',
    lines: [
      { lineId: '1', sku: 'SKU-42', quantity: 2, unitPriceMinor: 1999 },
      { lineId: '2', sku: 'SKU-7', quantity: 1, unitPriceMinor: 0 },
    ],
  },
  [ORDER_CANCELLED_V1]: { orderId: 'ORD-1001', reason: 'customer changed their mind' },
  [RETURN_REQUESTED_V1]: {
    returnId: 'RMA-77',
    orderId: 'ORD-1001',
    lines: [{ lineId: '1', sku: 'SKU-42', quantity: 1, reasonCode: 'SIZE_FIT' }],
  },
  [GOODS_RECEIVED_V1]: {
    warehouseId: 'WH-1',
    receiptId: 'GR-2026-0042',
    lines: [
      { sku: 'SKU-42', quantity: 120 },
      { sku: 'SKU-7', quantity: 30 },
    ],
  },
  [SHIPMENT_CONFIRMED_V1]: {
    warehouseId: 'WH-1',
    shipmentId: 'SHP-9001',
    orderId: 'ORD-1001',
    lines: [{ lineId: '1', sku: 'SKU-42', quantity: 2 }],
    carrier: 'DHL',
    trackingNumber: '00340434161094042557',
  },
  [STOCK_ADJUSTED_V1]: {
    warehouseId: 'WH-1',
    adjustmentId: 'ADJ-17',
    sku: 'SKU-42',
    quantityDelta: -3,
    reasonCode: 'DAMAGE',
  },
  [STOCK_COUNTED_V1]: { warehouseId: 'WH-1', countId: 'CC-2026-11-20-A3', sku: 'SKU-42', countedQuantity: 0 },
  [RETURN_RECEIVED_V1]: {
    warehouseId: 'WH-1',
    returnId: 'RMA-77',
    lines: [{ lineId: '1', sku: 'SKU-42', quantity: 1 }],
  },
  [RETURN_INSPECTED_V1]: {
    warehouseId: 'WH-1',
    returnId: 'RMA-77',
    lines: [
      { lineId: '1', sku: 'SKU-42', quantity: 1, disposition: 'RESTOCK', recoveredValueMinor: 1999 },
      { lineId: '1', sku: 'SKU-42', quantity: 1, disposition: 'SCRAP', recoveredValueMinor: 0 },
    ],
  },
  [ORDERS_ORDER_PLACED_V1]: {
    orderId: 'ORD-1001',
    channel: 'webshop',
    currency: 'EUR',
    placedAt: '2026-11-20T10:00:00.000Z',
    promisedShipBy: '2026-11-21T16:00:00.000Z',
    warehouseId: 'WH-1',
    customerId: 'CUST-42',
    lines: [
      { lineId: '1', sku: 'SKU-42', quantity: 2, unitPriceMinor: 1999 },
      { lineId: '2', sku: 'SKU-7', quantity: 1, unitPriceMinor: 0 },
    ],
  },
  [ORDERS_ORDER_ALLOCATED_V1]: {
    ...orderSnapshot('ALLOCATED', '2026-11-20T10:00:00.000Z', [
      { reservedAtFirstAttempt: 2, shippedQuantity: 0, cancelledQuantity: 0 },
      { reservedAtFirstAttempt: 1, shippedQuantity: 0, cancelledQuantity: 0 },
    ]),
    wasBackorderedAtFirstAttempt: false,
    shipmentCount: 0,
    isComplete: false,
    attempt: 1,
    firstAttempt: true,
    allocatedAt: '2026-11-20T10:00:00.000Z',
    allocationWarehouseId: 'WH-1',
    reservedLines: [
      { lineId: '1', quantity: 2 },
      { lineId: '2', quantity: 1 },
    ],
  },
  [ORDERS_ORDER_BACKORDERED_V1]: {
    ...orderSnapshot('BACKORDERED', '2026-11-20T10:00:00.000Z', [
      { reservedAtFirstAttempt: 2, shippedQuantity: 0, cancelledQuantity: 0 },
      { reservedAtFirstAttempt: 0, shippedQuantity: 0, cancelledQuantity: 0 },
    ]),
    wasBackorderedAtFirstAttempt: true,
    shipmentCount: 0,
    isComplete: false,
    attempt: 1,
    firstAttempt: true,
    allocatedAt: '2026-11-20T10:00:00.000Z',
    allocationWarehouseId: 'WH-1',
    reservedLines: [
      { lineId: '1', quantity: 2 },
      { lineId: '2', quantity: 0 },
    ],
  },
  [ORDERS_ORDER_PARTIALLY_SHIPPED_V1]: {
    ...orderSnapshot('PARTIALLY_SHIPPED', '2026-11-20T15:00:00.000Z', [
      { reservedAtFirstAttempt: 2, shippedQuantity: 2, cancelledQuantity: 0 },
      { reservedAtFirstAttempt: 1, shippedQuantity: 0, cancelledQuantity: 0 },
    ]),
    wasBackorderedAtFirstAttempt: false,
    shipmentCount: 1,
    lastShipmentAt: '2026-11-20T15:00:00.000Z',
    isComplete: false,
    shipmentId: 'SHP-9001',
    shippedAt: '2026-11-20T15:00:00.000Z',
    shipmentWarehouseId: 'WH-1',
    shipmentLines: [{ lineId: '1', sku: 'SKU-42', quantity: 2 }],
    carrier: 'DHL',
    trackingNumber: 'JD0123456789',
  },
  [ORDERS_ORDER_SHIPPED_V1]: {
    ...orderSnapshot('SHIPPED', '2026-11-20T15:00:00.000Z', [
      { reservedAtFirstAttempt: 2, shippedQuantity: 2, cancelledQuantity: 0 },
      { reservedAtFirstAttempt: 1, shippedQuantity: 1, cancelledQuantity: 0 },
    ]),
    wasBackorderedAtFirstAttempt: false,
    shipmentCount: 1,
    lastShipmentAt: '2026-11-20T15:00:00.000Z',
    isComplete: true,
    onTime: true,
    shipmentId: 'SHP-9001',
    shippedAt: '2026-11-20T15:00:00.000Z',
    shipmentWarehouseId: 'WH-1',
    shipmentLines: [
      { lineId: '1', sku: 'SKU-42', quantity: 2 },
      { lineId: '2', sku: 'SKU-7', quantity: 1 },
    ],
    carrier: 'DHL',
    trackingNumber: 'JD0123456789',
  },
  [ORDERS_ORDER_CANCELLED_V1]: {
    ...orderSnapshot('CANCELLED', '2026-11-20T16:00:00.000Z', [
      { reservedAtFirstAttempt: 2, shippedQuantity: 2, cancelledQuantity: 0 },
      { reservedAtFirstAttempt: 1, shippedQuantity: 0, cancelledQuantity: 1 },
    ]),
    wasBackorderedAtFirstAttempt: false,
    shipmentCount: 1,
    lastShipmentAt: '2026-11-20T15:00:00.000Z',
    isComplete: true,
    onTime: true,
    cancelledAt: '2026-11-20T16:00:00.000Z',
    reason: 'customer changed their mind',
    unitsCancelled: [
      { lineId: '1', quantity: 0 },
      { lineId: '2', quantity: 1 },
    ],
  },
  [ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1]: {
    ...orderSnapshot('CANCELLED', '2026-11-20T15:00:00.000Z', [
      { reservedAtFirstAttempt: 2, shippedQuantity: 2, cancelledQuantity: 0 },
      { reservedAtFirstAttempt: 1, shippedQuantity: 0, cancelledQuantity: 1 },
    ]),
    wasBackorderedAtFirstAttempt: false,
    shipmentCount: 1,
    lastShipmentAt: '2026-11-20T15:00:00.000Z',
    isComplete: true,
    onTime: true,
    shipmentId: 'SHP-9001',
    shippedAt: '2026-11-20T15:00:00.000Z',
    shipmentWarehouseId: 'WH-1',
    shipmentLines: [{ lineId: '1', sku: 'SKU-42', quantity: 2 }],
    carrier: 'DHL',
    trackingNumber: 'JD0123456789',
    cancelledAt: '2026-11-20T12:00:00.000Z',
    reason: 'customer changed their mind',
    code: 'ORDER.SHIPPED_AFTER_CANCELLATION',
  },
  [INVENTORY_STOCK_RESERVED_V1]: {
    orderId: 'ORD-1001',
    warehouseId: 'WH-1',
    reservedAt: '2026-11-20T10:00:00.000Z',
    cause: 'allocation',
    trigger: 'allocation',
    lines: [{ lineId: '1', sku: 'SKU-42', quantity: 2 }],
    firstAttempt: [
      { lineId: '1', sku: 'SKU-42', ordered: 2, reserved: 2, backordered: 0 },
      { lineId: '2', sku: 'SKU-7', ordered: 1, reserved: 0, backordered: 1 },
    ],
  },
  [INVENTORY_STOCK_BACKORDERED_V1]: {
    orderId: 'ORD-1001',
    warehouseId: 'WH-1',
    placedAt: '2026-11-20T10:00:00.000Z',
    lines: [{ lineId: '2', sku: 'SKU-7', quantity: 1 }],
    firstAttempt: [
      { lineId: '1', sku: 'SKU-42', ordered: 2, reserved: 2, backordered: 0 },
      { lineId: '2', sku: 'SKU-7', ordered: 1, reserved: 0, backordered: 1 },
    ],
  },
  [INVENTORY_STOCK_SHIPPED_V1]: {
    orderId: 'ORD-1001',
    shipmentId: 'SHP-9001',
    warehouseId: 'WH-1',
    shippedAt: '2026-11-20T15:00:00.000Z',
    lines: [
      { lineId: '1', sku: 'SKU-42', shipped: 2, fromReservation: 2, unreserved: 0, backorderReduced: 0 },
    ],
  },
  [INVENTORY_STOCK_RELEASED_V1]: {
    orderId: 'ORD-1001',
    warehouseId: 'WH-1',
    releasedAt: '2026-11-21T09:00:00.000Z',
    lines: [{ lineId: '1', sku: 'SKU-42', released: 2, backorderDropped: 0 }],
  },
  [INVENTORY_STOCK_LEVEL_LOW_V1]: {
    warehouseId: 'WH-1',
    sku: 'SKU-42',
    detectedAt: '2026-11-20T15:00:00.000Z',
    available: 3,
    reorderPoint: 10,
  },
  [INVENTORY_STOCK_COUNTED_V1]: {
    warehouseId: 'WH-1',
    sku: 'SKU-42',
    countId: 'CC-2026-11-20-7',
    countedAt: '2026-11-20T18:00:00.000Z',
    countedQuantity: 118,
    onHandAtCount: 120,
    accurate: false,
  },
  [INVENTORY_POSITION_CHANGED_V1]: {
    warehouseId: 'WH-1',
    sku: 'SKU-42',
    changedAt: '2026-11-20T15:00:00.000Z',
    onHand: 118,
    reserved: 115,
    available: 3,
    backordered: 0,
    reorderPoint: 10,
  },
  [RETURNS_RETURN_AUTHORIZED_V1]: returnSnapshot('AUTHORIZED', '2026-11-22T09:00:00.000Z', {
    authorizedQuantity: 1,
    receivedQuantity: 0,
    inspectedQuantity: 0,
    refundedQuantity: 0,
  }),
  [RETURNS_RETURN_REJECTED_V1]: returnSnapshot(
    'REJECTED',
    '2026-11-22T09:00:00.000Z',
    { authorizedQuantity: 0, receivedQuantity: 0, inspectedQuantity: 0, refundedQuantity: 0 },
    { rejectionReason: 'RETURN.WINDOW_EXPIRED' },
  ),
  [RETURNS_RETURN_RECEIVED_V1]: returnSnapshot(
    'RECEIVED',
    RECEIVED_AT,
    { authorizedQuantity: 1, receivedQuantity: 1, inspectedQuantity: 0, refundedQuantity: 0 },
    {
      firstReceivedAt: RECEIVED_AT,
      receiptWarehouseId: 'WH-1',
      receivedAt: RECEIVED_AT,
      receiptLines: [{ lineId: '1', sku: 'SKU-42', quantity: 1 }],
    },
  ),
  [RETURNS_RETURN_INSPECTED_V1]: returnSnapshot(
    'INSPECTED',
    INSPECTED_AT,
    { authorizedQuantity: 1, receivedQuantity: 1, inspectedQuantity: 1, refundedQuantity: 0 },
    {
      firstReceivedAt: RECEIVED_AT,
      inspectionWarehouseId: 'WH-1',
      inspectedAt: INSPECTED_AT,
      inspectionLines: [
        {
          lineId: '1',
          sku: 'SKU-42',
          quantity: 1,
          disposition: 'RESTOCK',
          recoveredValueMinor: 1999,
          unitPriceMinor: 1999,
          reasonCode: 'SIZE_FIT',
        },
      ],
    },
  ),
  [RETURNS_RETURN_REFUNDED_V1]: returnSnapshot(
    'REFUNDED',
    INSPECTED_AT,
    { authorizedQuantity: 1, receivedQuantity: 1, inspectedQuantity: 1, refundedQuantity: 1 },
    {
      firstReceivedAt: RECEIVED_AT,
      refundedAmountMinor: 1799,
      refundedAt: INSPECTED_AT,
      refundAmountMinor: 1799,
      refundLines: [REFUND_LINE],
    },
  ),
  [RETURNS_RETURN_CLOSED_V1]: returnSnapshot(
    'CLOSED',
    INSPECTED_AT,
    { authorizedQuantity: 1, receivedQuantity: 1, inspectedQuantity: 1, refundedQuantity: 1 },
    { firstReceivedAt: RECEIVED_AT, refundedAmountMinor: 1799, closeReason: 'completed' },
  ),
  [ALERTS_ALERT_RAISED_V1]: ALERT_AT_RISK,
  [ALERTS_ALERT_RESOLVED_V1]: { ...ALERT_AT_RISK, resolvedAt: '2026-11-20T12:40:00.000Z' },
};

/** The aggregate id the example of each type is keyed by (`subject`). */
const EXAMPLE_SUBJECTS: { readonly [T in EventTypeName]: string } = {
  [ORDER_PLACED_V1]: 'ORD-1001',
  [ORDER_CANCELLED_V1]: 'ORD-1001',
  [RETURN_REQUESTED_V1]: 'RMA-77',
  [GOODS_RECEIVED_V1]: 'GR-2026-0042',
  [SHIPMENT_CONFIRMED_V1]: 'ORD-1001',
  [STOCK_ADJUSTED_V1]: 'WH-1:SKU-42',
  [STOCK_COUNTED_V1]: 'WH-1:SKU-42',
  [RETURN_RECEIVED_V1]: 'RMA-77',
  [RETURN_INSPECTED_V1]: 'RMA-77',
  [ORDERS_ORDER_PLACED_V1]: 'ORD-1001',
  [ORDERS_ORDER_ALLOCATED_V1]: 'ORD-1001',
  [ORDERS_ORDER_BACKORDERED_V1]: 'ORD-1001',
  [ORDERS_ORDER_PARTIALLY_SHIPPED_V1]: 'ORD-1001',
  [ORDERS_ORDER_SHIPPED_V1]: 'ORD-1001',
  [ORDERS_ORDER_CANCELLED_V1]: 'ORD-1001',
  [ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1]: 'ORD-1001',
  [INVENTORY_STOCK_RESERVED_V1]: 'ORD-1001',
  [INVENTORY_STOCK_BACKORDERED_V1]: 'ORD-1001',
  [INVENTORY_STOCK_SHIPPED_V1]: 'ORD-1001',
  [INVENTORY_STOCK_RELEASED_V1]: 'ORD-1001',
  [INVENTORY_STOCK_LEVEL_LOW_V1]: 'WH-1:SKU-42',
  [INVENTORY_STOCK_COUNTED_V1]: 'WH-1:SKU-42',
  [INVENTORY_POSITION_CHANGED_V1]: 'WH-1:SKU-42',
  [RETURNS_RETURN_AUTHORIZED_V1]: 'RMA-77',
  [RETURNS_RETURN_REJECTED_V1]: 'RMA-77',
  [RETURNS_RETURN_RECEIVED_V1]: 'RMA-77',
  [RETURNS_RETURN_INSPECTED_V1]: 'RMA-77',
  [RETURNS_RETURN_REFUNDED_V1]: 'RMA-77',
  [RETURNS_RETURN_CLOSED_V1]: 'RMA-77',
  [ALERTS_ALERT_RAISED_V1]: 'order-at-risk:ORD-1001',
  [ALERTS_ALERT_RESOLVED_V1]: 'order-at-risk:ORD-1001',
};

/**
 * A complete, valid wire event of `type` (a fresh deep copy, safe to mutate), with `data`
 * replaced by `data` when given.
 */
export function exampleEvent(
  type: EventTypeName,
  data: Record<string, unknown> = EXAMPLE_DATA[type],
): PlainCloudEvent {
  return {
    specversion: '1.0',
    id: `${type}:3f9a2c7e-0b1d-4e8f-9a6b-5d4c3b2a1f00`,
    source: exampleSource(type),
    type,
    time: '2026-11-20T10:00:00.000Z',
    subject: EXAMPLE_SUBJECTS[type],
    datacontenttype: 'application/json',
    data: structuredClone(data),
  };
}

/** Where an example of `type` comes from: a WMS, a service (domain events) or a sales channel. */
function exampleSource(type: string): string {
  if (type.startsWith('opsline.wms.')) return '/warehouses/WH-1/wms';
  if (type.startsWith('opsline.orders.')) return '/services/orders';
  if (type.startsWith('opsline.inventory.')) return '/services/inventory';
  if (type.startsWith('opsline.returns.')) return '/services/returns';
  if (type.startsWith('opsline.alerts.')) return '/services/kpi';
  return '/channels/webshop';
}

/** Pass as a value to {@link exampleEventWith} to remove the attribute or field. */
export const ABSENT = Symbol('absent');

function pathSegments(path: string): string[] {
  return path.split(/\.|\[(\d+)\]/).filter((segment) => segment !== undefined && segment !== '');
}

function setAtPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const segments = pathSegments(path);
  let container: Record<string, unknown> = root;
  for (const segment of segments.slice(0, -1)) {
    const next = container[segment];
    if (typeof next !== 'object' || next === null) {
      throw new Error(`example has nothing at ${segment} of ${path}`);
    }
    container = next as Record<string, unknown>;
  }
  const last = segments[segments.length - 1];
  if (value === ABSENT) {
    delete container[last];
  } else {
    container[last] = value;
  }
}

/**
 * The example of `type` with values changed by JSON path, e.g.
 * `exampleEventWith(ORDER_PLACED_V1, { 'data.lines[1].quantity': 0, time: ABSENT })`.
 */
export function exampleEventWith(
  type: EventTypeName,
  changes: Readonly<Record<string, unknown>>,
): PlainCloudEvent {
  const event = exampleEvent(type);
  for (const [path, value] of Object.entries(changes)) {
    setAtPath(event, path, value);
  }
  return event;
}
