import { randomUUID } from 'node:crypto';
import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import {
  INGEST_ORDERS_TOPIC,
  INGEST_RETURNS_TOPIC,
  INGEST_WAREHOUSE_TOPIC,
  RETURN_INSPECTED_V1,
  RETURN_RECEIVED_V1,
  RETURN_REQUESTED_V1,
  SHIPMENT_CONFIRMED_V1,
  STOCK_COUNTED_V1,
} from '@opsline/contracts';
import { generateOperations, seededRandom, SimulatedEvent } from '../simulate/event-stream';

const TOPIC_OF_PATH: Record<SimulatedEvent['path'], string> = {
  orders: INGEST_ORDERS_TOPIC,
  returns: INGEST_RETURNS_TOPIC,
  warehouse: INGEST_WAREHOUSE_TOPIC,
};

/**
 * Seconds after its second's orders that an event follows them. The services consume the three
 * ingest topics independently, so a shipment sent with its order could overtake it; in operations
 * a shipment, a return and its inspection come hours to days later, here a few seconds.
 */
const FOLLOW_UP_DELAY_S: Record<string, number> = {
  [SHIPMENT_CONFIRMED_V1]: 3,
  [RETURN_REQUESTED_V1]: 6,
  [RETURN_RECEIVED_V1]: 9,
  [RETURN_INSPECTED_V1]: 9,
};
/** One cycle count per this many orders (each sets one SKU's on-hand in one warehouse). */
const ORDERS_PER_COUNT = 50;
const WAREHOUSES = ['WH-1', 'WH-2', 'WH-3'];

function messageOf(event: SimulatedEvent['event']): Message {
  return {
    key: event.subject,
    value: Buffer.from(JSON.stringify(event)),
    headers: { 'content-type': 'application/cloudevents+json' },
  };
}

/** Cycle counts (`opsline.wms.stock-counted.v1`), which the simulator's day does not have. */
function stockCounts(count: number, random: () => number, runId: string): SimulatedEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const warehouseId = WAREHOUSES[Math.floor(random() * WAREHOUSES.length)];
    const countId = `CNT-${runId}-${i + 1}`;
    return {
      path: 'warehouse' as const,
      event: {
        specversion: '1.0' as const,
        id: randomUUID(),
        source: `/warehouses/${warehouseId}/wms`,
        type: STOCK_COUNTED_V1,
        time: new Date().toISOString(),
        subject: countId,
        datacontenttype: 'application/json' as const,
        data: {
          warehouseId,
          countId,
          sku: `SKU-${1 + Math.floor(random() * 20)}`,
          countedQuantity: 100 + Math.floor(random() * 100),
        },
      },
    };
  });
}

/** Counters of what the load has sent so far. */
export interface LoadProgress {
  readonly orders: number;
  readonly events: number;
  /** Seconds the producer is behind its schedule (0 while it keeps the rate). */
  readonly behindSeconds: number;
}

/**
 * Produces `ordersPerSecond` orders a second to the ingest topics, with their stock receipts,
 * shipments, cancellations, returns, return receipts and inspections (tools/simulate's day of
 * operations, one slice per second) and cycle counts. Each second's slice is sent in one request
 * per due second; a slow broker makes the producer fall behind, which `behindSeconds` shows.
 */
export class SoakLoad {
  private readonly producer: Producer;
  private readonly random: () => number;
  private readonly pending = new Map<number, SimulatedEvent[]>();
  private orders = 0;
  private events = 0;
  private second = 0;
  private startedAt = 0;
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();
  failure: Error | null = null;

  constructor(
    kafka: Kafka,
    private readonly ordersPerSecond: number,
    seed: number,
    private readonly runId: string,
  ) {
    this.producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    this.random = seededRandom(seed);
  }

  get progress(): LoadProgress {
    const due = (Date.now() - this.startedAt) / 1000;
    return {
      orders: this.orders,
      events: this.events,
      behindSeconds: Math.max(0, Math.floor(due - this.second)),
    };
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.startedAt = Date.now();
    this.loop = this.run().catch((error: Error) => {
      this.failure = error;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await this.producer.disconnect();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const wait = this.startedAt + this.second * 1000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.stopping) break;
      await this.sendSecond(this.second);
      this.second++;
    }
  }

  /**
   * Sends `seconds` seconds' worth of load as fast as the broker takes it, follow-ups included,
   * and returns the number of orders (for the max-load probe). Not to be mixed with `start`.
   */
  async burst(seconds: number): Promise<number> {
    await this.producer.connect();
    const lastDue = seconds + Math.max(...Object.values(FOLLOW_UP_DELAY_S));
    for (let second = 0; second <= lastDue; second++) await this.sendSecond(second, second < seconds);
    await this.producer.disconnect();
    return this.orders;
  }

  private async sendSecond(second: number, generate = true): Promise<void> {
    const sliceId = `${this.runId}-${second}`;
    const slice = generate
      ? [
          ...generateOperations(this.ordersPerSecond, this.random, sliceId),
          ...stockCounts(
            Math.max(1, Math.round(this.ordersPerSecond / ORDERS_PER_COUNT)),
            this.random,
            sliceId,
          ),
        ]
      : [];
    if (generate) this.orders += this.ordersPerSecond;
    for (const item of slice) {
      const due = second + (FOLLOW_UP_DELAY_S[item.event.type] ?? 0);
      const list = this.pending.get(due) ?? [];
      list.push(item);
      this.pending.set(due, list);
    }
    const now = this.pending.get(second) ?? [];
    this.pending.delete(second);
    const byTopic = new Map<string, Message[]>();
    for (const { path, event } of now) {
      const messages = byTopic.get(TOPIC_OF_PATH[path]) ?? [];
      messages.push(messageOf(event));
      byTopic.set(TOPIC_OF_PATH[path], messages);
    }
    if (byTopic.size > 0)
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    this.events += now.length;
  }
}
