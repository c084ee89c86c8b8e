import { EVENT_DATA_CLASSES } from './registry';
import {
  ALERTS_TOPIC,
  deadLetterTopic,
  INGEST_ORDERS_TOPIC,
  INGEST_RETURNS_TOPIC,
  INGEST_TOPIC_EVENT_TYPES,
  INGEST_TOPICS,
  INGEST_WAREHOUSE_TOPIC,
  ingestTopicOf,
  INVENTORY_TOPIC,
  ORDERS_TOPIC,
  RETURNS_TOPIC,
} from './topics';

describe('topics', () => {
  it('uses the topic names of the contract', () => {
    expect([
      INGEST_ORDERS_TOPIC,
      INGEST_RETURNS_TOPIC,
      INGEST_WAREHOUSE_TOPIC,
      ORDERS_TOPIC,
      INVENTORY_TOPIC,
      RETURNS_TOPIC,
      ALERTS_TOPIC,
    ]).toEqual([
      'opsline.ingest.orders',
      'opsline.ingest.returns',
      'opsline.ingest.warehouse',
      'opsline.orders',
      'opsline.inventory',
      'opsline.returns',
      'opsline.alerts',
    ]);
  });

  it('names the dead-letter topic <topic>.dlq', () => {
    expect(deadLetterTopic(INGEST_ORDERS_TOPIC)).toBe('opsline.ingest.orders.dlq');
  });

  it('routes order events to orders ingest, return requests to returns ingest and wms events to warehouse ingest', () => {
    expect(INGEST_TOPIC_EVENT_TYPES).toEqual({
      'opsline.ingest.orders': ['opsline.order.placed.v1', 'opsline.order.cancelled.v1'],
      'opsline.ingest.returns': ['opsline.return.requested.v1'],
      'opsline.ingest.warehouse': [
        'opsline.wms.goods-received.v1',
        'opsline.wms.shipment-confirmed.v1',
        'opsline.wms.stock-adjusted.v1',
        'opsline.wms.stock-counted.v1',
        'opsline.wms.return-received.v1',
        'opsline.wms.return-inspected.v1',
      ],
    });
  });

  it('puts every ingest event type on exactly one ingest topic', () => {
    const routed = INGEST_TOPICS.flatMap((topic) => INGEST_TOPIC_EVENT_TYPES[topic]);

    expect(new Set(routed).size).toBe(routed.length);
    for (const type of routed) {
      expect(Object.keys(EVENT_DATA_CLASSES)).toContain(type);
    }
  });

  it('finds the ingest topic of a type, and none for an unknown type', () => {
    expect(ingestTopicOf('opsline.wms.stock-counted.v1')).toBe(INGEST_WAREHOUSE_TOPIC);
    expect(ingestTopicOf('opsline.order.allocated.v1')).toBeUndefined();
  });
});
