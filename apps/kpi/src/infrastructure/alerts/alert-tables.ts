import { KPI_SCHEMA } from '../kpi-tables';

/** The alerts' tables: in the service's schema, outside the versioned read models. */
export const ALERT_TABLES = {
  /** One row per occurrence of an alert. */
  alerts: `"${KPI_SCHEMA}".alerts`,
  /** Every raise and resolution in order: what the SSE stream sends. */
  transitions: `"${KPI_SCHEMA}".alert_transitions`,
  /** When each warehouse's feed was last heard. */
  feeds: `"${KPI_SCHEMA}".alert_warehouse_feeds`,
  /** The warehouses each order was allocated at (every attempt). */
  allocations: `"${KPI_SCHEMA}".alert_order_allocations`,
  /** Every recorded shipment with its shipping warehouse. */
  shipments: `"${KPI_SCHEMA}".alert_shipments`,
} as const;

/** The consumer group filling the feed, allocation and shipment tables (not a read-model version's). */
export const ALERTS_CONSUMER_GROUP = 'opsline-kpi-alerts';
