/**
 * What the alert events on `opsline.alerts` share: the kinds and severities of v1. Adding a kind is a
 * new event version (a consumer validating `kind` would refuse it).
 */

/**
 * - `order-at-risk`: not shipped (nor cancelled) and its `promisedShipBy` is close.
 * - `order-overdue`: not shipped (nor cancelled) and its `promisedShipBy` has passed.
 * - `return-ageing`: an authorized return neither inspected nor closed long after it was requested.
 * - `stock-below-reorder-point`: a warehouse × SKU whose available stock is below its reorder point.
 * - `warehouse-feed-silent`: no event heard from a warehouse for longer than the configured interval.
 * - `shipment-misrouted`: a warehouse confirmed a shipment for an order never allocated there.
 */
export const ALERT_KINDS = [
  'order-at-risk',
  'order-overdue',
  'return-ageing',
  'stock-below-reorder-point',
  'warehouse-feed-silent',
  'shipment-misrouted',
] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

/** `warning`: act soon; `critical`: something is already wrong. */
export const ALERT_SEVERITIES = ['warning', 'critical'] as const;

export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
