import { GOODS_RECEIVED_V1 } from './events/ingest/goods-received.v1';
import { ORDER_CANCELLED_V1 } from './events/ingest/order-cancelled.v1';
import { ORDER_PLACED_V1 } from './events/ingest/order-placed.v1';
import { RETURN_INSPECTED_V1 } from './events/ingest/return-inspected.v1';
import { RETURN_RECEIVED_V1 } from './events/ingest/return-received.v1';
import { RETURN_REQUESTED_V1 } from './events/ingest/return-requested.v1';
import { SHIPMENT_CONFIRMED_V1 } from './events/ingest/shipment-confirmed.v1';
import { STOCK_ADJUSTED_V1 } from './events/ingest/stock-adjusted.v1';
import { STOCK_COUNTED_V1 } from './events/ingest/stock-counted.v1';
import type { EventTypeName } from './registry';

/** Orders from sales channels (`opsline.order.*`), consumed by the orders service; HTTP twin `POST /ingest/orders`. */
export const INGEST_ORDERS_TOPIC = 'opsline.ingest.orders';

/** Return requests from customer portals, consumed by the returns service; HTTP twin `POST /ingest/returns`. */
export const INGEST_RETURNS_TOPIC = 'opsline.ingest.returns';

/** Warehouse (WMS) events `opsline.wms.*`, consumed by inventory and others; HTTP twin `POST /ingest/warehouse`. */
export const INGEST_WAREHOUSE_TOPIC = 'opsline.ingest.warehouse';

/** What the orders service decided, keyed by order id. */
export const ORDERS_TOPIC = 'opsline.orders';

/** What the inventory service decided, keyed by its aggregate id. */
export const INVENTORY_TOPIC = 'opsline.inventory';

/** What the returns service decided, keyed by return id. */
export const RETURNS_TOPIC = 'opsline.returns';

/** Operational alerts (e.g. stock below reorder point). Not named in the contract; opsline's own addition. */
export const ALERTS_TOPIC = 'opsline.alerts';

/** The topics outside systems produce to. */
export const INGEST_TOPICS = [INGEST_ORDERS_TOPIC, INGEST_RETURNS_TOPIC, INGEST_WAREHOUSE_TOPIC] as const;

/** The topics opsline publishes to (through each service's outbox) for anyone to subscribe. */
export const DOMAIN_TOPICS = [ORDERS_TOPIC, INVENTORY_TOPIC, RETURNS_TOPIC, ALERTS_TOPIC] as const;

/** Every opsline topic except dead-letter topics. */
export const ALL_TOPICS = [...INGEST_TOPICS, ...DOMAIN_TOPICS] as const;

/** An ingest topic name. */
export type IngestTopic = (typeof INGEST_TOPICS)[number];

/** A domain topic name. */
export type DomainTopic = (typeof DOMAIN_TOPICS)[number];

/** Any opsline topic name except dead-letter topics. */
export type OpslineTopic = (typeof ALL_TOPICS)[number];

/** Suffix of a topic's dead-letter topic. */
export const DEAD_LETTER_SUFFIX = '.dlq';

/**
 * The dead-letter topic of `topic`: where a message that cannot be parsed or validated goes,
 * with its original bytes (`opsline.ingest.orders` → `opsline.ingest.orders.dlq`).
 */
export function deadLetterTopic<TTopic extends string>(
  topic: TTopic,
): `${TTopic}${typeof DEAD_LETTER_SUFFIX}` {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

/**
 * The event types each ingest topic (and its HTTP twin) carries; pass one as
 * `validateCloudEvent(raw, { acceptedTypes })` to refuse another topic's events.
 */
export const INGEST_TOPIC_EVENT_TYPES = {
  [INGEST_ORDERS_TOPIC]: [ORDER_PLACED_V1, ORDER_CANCELLED_V1],
  [INGEST_RETURNS_TOPIC]: [RETURN_REQUESTED_V1],
  [INGEST_WAREHOUSE_TOPIC]: [
    GOODS_RECEIVED_V1,
    SHIPMENT_CONFIRMED_V1,
    STOCK_ADJUSTED_V1,
    STOCK_COUNTED_V1,
    RETURN_RECEIVED_V1,
    RETURN_INSPECTED_V1,
  ],
} as const satisfies Readonly<Record<IngestTopic, readonly EventTypeName[]>>;

/** The ingest topic that carries event type `type`, or undefined when no ingest topic does. */
export function ingestTopicOf(type: string): IngestTopic | undefined {
  return INGEST_TOPICS.find((topic) => (INGEST_TOPIC_EVENT_TYPES[topic] as readonly string[]).includes(type));
}

/** Domain event types are named `opsline.<service>.<event>.vN` and published on `opsline.<service>`. */
const DOMAIN_TOPIC_BY_PREFIX: readonly [string, DomainTopic][] = [
  ['opsline.orders.', ORDERS_TOPIC],
  ['opsline.inventory.', INVENTORY_TOPIC],
  ['opsline.returns.', RETURNS_TOPIC],
  ['opsline.alerts.', ALERTS_TOPIC],
];

/** The domain topic a domain event type is published on, or undefined for other types. */
export function domainTopicOf(type: string): DomainTopic | undefined {
  return DOMAIN_TOPIC_BY_PREFIX.find(([prefix]) => type.startsWith(prefix))?.[1];
}
