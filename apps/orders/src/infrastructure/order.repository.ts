import { Injectable } from '@nestjs/common';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import type { OrderPlacement } from '../domain/order-placement';
import { Order, orderFromPlacement } from '../domain/order-state';
import { OrderEntity, ParkedEventEntity, StoredOrderLine } from './order.entity';

/** An event parked until its order arrives (see `domain/pending-events.ts`). */
export interface ParkedEvent {
  readonly eventId: string;
  readonly orderId: string;
  readonly eventType: string;
  readonly sourceTopic: string;
  readonly businessTime: string;
  readonly arrivedAt: string;
  /** The consumed CloudEvent. */
  readonly payload: Record<string, unknown>;
}

/** A newly placed order as stored: its aggregate and its placement's fingerprint. */
export interface PlacedOrder {
  readonly order: Order;
  readonly fingerprint: string;
}

/** An `orders.orders` row as a raw query returns it (jsonb parsed, timestamptz as Date). */
interface OrderRow {
  order_id: string;
  channel: string;
  currency: string;
  customer_id: string | null;
  warehouse_id: string | null;
  placed_at: Date;
  promised_ship_by: Date;
  lines: StoredOrderLine[];
  state: Order | null;
}

/** An `orders.parked_events` row as a raw query returns it. */
interface ParkedEventRow {
  event_id: string;
  order_id: string;
  event_type: string;
  source_topic: string;
  business_time: Date;
  arrived_at: Date;
  payload: Record<string, unknown>;
}

/** The order aggregate and the parking lot in `orders`; only this class touches their tables. */
@Injectable()
export class OrderRepository {
  /** The order, locked for the rest of the transaction; null when it was never placed. */
  async loadForUpdate(manager: EntityManager, orderId: string): Promise<Order | null> {
    const row = await manager.findOne(OrderEntity, {
      where: { orderId },
      lock: { mode: 'pessimistic_write' },
    });
    return row === null ? null : stateOf(row);
  }

  /** Writes the aggregate and keeps the `status` column in step with it. */
  async save(manager: EntityManager, order: Order): Promise<void> {
    await manager.update(
      OrderEntity,
      { orderId: order.facts.orderId },
      { state: order, status: order.status },
    );
  }

  /** The placement fingerprints of those of the orders that exist, by order id. */
  async placementFingerprints(
    manager: EntityManager,
    orderIds: readonly string[],
  ): Promise<Map<string, string>> {
    if (orderIds.length === 0) return new Map();
    const rows: { order_id: string; placement_fingerprint: string }[] = await manager.query(
      `SELECT order_id, placement_fingerprint FROM orders.orders WHERE order_id = ANY($1::text[])`,
      [[...new Set(orderIds)]],
    );
    return new Map(rows.map((row) => [row.order_id, row.placement_fingerprint]));
  }

  /** Stores newly placed orders (PLACED, with their aggregate) in one statement. */
  async insertPlaced(manager: EntityManager, placed: readonly PlacedOrder[]): Promise<void> {
    if (placed.length === 0) return;
    const columns = placedOrderColumns(placed);
    await manager.query(
      `INSERT INTO orders.orders (order_id, channel, currency, customer_id, warehouse_id, placed_at,
         promised_ship_by, status, lines, placement_fingerprint, state)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
         $7::timestamptz[], $8::text[], $9::jsonb[], $10::text[], $11::jsonb[])`,
      columns,
    );
  }

  /**
   * Takes a transaction lock on each order id, whether or not the order exists, in id order (no
   * two callers wait on each other crosswise). A placement and an event for the same order would
   * otherwise race: the event, not seeing the uncommitted order, parks itself while the placement,
   * not seeing the uncommitted parked event, re-applies nothing — and the event waits for the sweep.
   * With the lock one of them commits first and the other sees it.
   */
  async lockOrderIds(manager: EntityManager, orderIds: readonly string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await manager.query(
      `SELECT count(pg_advisory_xact_lock(hashtextextended('opsline.orders:' || id, 0)))
         FROM (SELECT id FROM unnest($1::text[]) AS id GROUP BY id ORDER BY id COLLATE "C") AS ids`,
      [[...orderIds]],
    );
  }

  /**
   * The orders among `orderIds` that exist, by order id, locked for the rest of the transaction
   * (the ids too, see {@link lockOrderIds}). Rows are locked in order id order, so two runs locking
   * overlapping orders cannot deadlock.
   */
  async loadManyForUpdate(manager: EntityManager, orderIds: readonly string[]): Promise<Map<string, Order>> {
    if (orderIds.length === 0) return new Map();
    await this.lockOrderIds(manager, orderIds);
    const rows: OrderRow[] = await manager.query(
      `SELECT order_id, channel, currency, customer_id, warehouse_id, placed_at, promised_ship_by, lines, state
       FROM orders.orders WHERE order_id = ANY($1::text[]) ORDER BY order_id FOR UPDATE`,
      [[...new Set(orderIds)]],
    );
    return new Map(rows.map((row) => [row.order_id, stateOf(fromOrderRow(row))]));
  }

  /** Writes the aggregates and their `status` columns in one statement (as {@link save} does one). */
  async saveMany(manager: EntityManager, orders: readonly Order[]): Promise<void> {
    if (orders.length === 0) return;
    await manager.query(
      `UPDATE orders.orders o SET state = u.state, status = u.status
       FROM unnest($1::text[], $2::jsonb[], $3::text[]) AS u(order_id, state, status)
       WHERE o.order_id = u.order_id`,
      [
        orders.map((order) => order.facts.orderId),
        orders.map((order) => JSON.stringify(order)),
        orders.map((order) => order.status),
      ],
    );
  }

  /** Parks events in one statement; parking an event again keeps its first arrival. */
  async parkMany(manager: EntityManager, events: readonly ParkedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO orders.parked_events
         (event_id, order_id, event_type, source_topic, business_time, arrived_at, payload)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
         $6::timestamptz[], $7::jsonb[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        events.map((event) => event.eventId),
        events.map((event) => event.orderId),
        events.map((event) => event.eventType),
        events.map((event) => event.sourceTopic),
        events.map((event) => event.businessTime),
        events.map((event) => event.arrivedAt),
        events.map((event) => JSON.stringify(event.payload)),
      ],
    );
  }

  /** Removes and returns the events parked for an order. */
  async unparkForOrder(manager: EntityManager, orderId: string): Promise<ParkedEvent[]> {
    return this.unparkForOrders(manager, [orderId]);
  }

  /**
   * Removes and returns the events parked for any of the orders, in one statement: what is returned
   * is exactly what was removed (a row a sweep holds is waited for, and then gone).
   */
  async unparkForOrders(manager: EntityManager, orderIds: readonly string[]): Promise<ParkedEvent[]> {
    if (orderIds.length === 0) return [];
    // TypeORM answers a DELETE … RETURNING with [rows, affected count].
    const [rows]: [ParkedEventRow[], number] = await manager.query(
      `DELETE FROM orders.parked_events WHERE order_id = ANY($1::text[])
       RETURNING event_id, order_id, event_type, source_topic, business_time, arrived_at, payload`,
      [[...orderIds]],
    );
    return rows.map(fromParkedEventRow);
  }

  /** Locks and returns parked events that arrived at or before `arrivedBy` (skipping locked ones). */
  async lockArrivedBy(manager: EntityManager, arrivedBy: string, limit: number): Promise<ParkedEvent[]> {
    const rows = await manager.find(ParkedEventEntity, {
      where: { arrivedAt: LessThanOrEqual(new Date(arrivedBy)) },
      order: { arrivedAt: 'ASC' },
      take: limit,
      lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
    });
    return rows.map(toParkedEvent);
  }

  async removeParked(manager: EntityManager, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length > 0) await manager.delete(ParkedEventEntity, [...eventIds]);
  }

  /** The ids among `orderIds` of orders that exist. */
  async existingOrderIds(manager: EntityManager, orderIds: readonly string[]): Promise<Set<string>> {
    if (orderIds.length === 0) return new Set();
    const rows = await manager
      .createQueryBuilder(OrderEntity, 'o')
      .select('o.order_id', 'orderId')
      .where('o.order_id = ANY(:ids)', { ids: [...new Set(orderIds)] })
      .getRawMany<{ orderId: string }>();
    return new Set(rows.map((row) => row.orderId));
  }
}

/** The stored aggregate, or the freshly placed one for rows from before the lifecycle. */
export function stateOf(row: OrderEntity): Order {
  if (row.state !== null) return row.state;
  const placement: OrderPlacement = {
    orderId: row.orderId,
    channel: row.channel,
    currency: row.currency,
    placedAt: row.placedAt.toISOString(),
    promisedShipBy: row.promisedShipBy.toISOString(),
    ...(row.warehouseId === null ? {} : { warehouseId: row.warehouseId }),
    ...(row.customerId === null ? {} : { customerId: row.customerId }),
    lines: row.lines,
  };
  return orderFromPlacement(placement);
}

function toParkedEvent(row: ParkedEventEntity): ParkedEvent {
  return {
    eventId: row.eventId,
    orderId: row.orderId,
    eventType: row.eventType,
    sourceTopic: row.sourceTopic,
    businessTime: row.businessTime.toISOString(),
    arrivedAt: row.arrivedAt.toISOString(),
    payload: row.payload,
  };
}

/** The `insertPlaced` parameters: one array per column, rows in the given order. */
function placedOrderColumns(placed: readonly PlacedOrder[]): unknown[][] {
  const facts = placed.map(({ order }) => order.facts);
  return [
    facts.map((f) => f.orderId),
    facts.map((f) => f.channel),
    facts.map((f) => f.currency),
    facts.map((f) => f.customerId ?? null),
    facts.map((f) => f.warehouseId ?? null),
    facts.map((f) => f.placedAt),
    facts.map((f) => f.promisedShipBy),
    placed.map(({ order }) => order.status),
    facts.map((f) =>
      JSON.stringify(
        f.lines.map(({ lineId, sku, quantity, unitPriceMinor }) => ({
          lineId,
          sku,
          quantity,
          unitPriceMinor,
        })),
      ),
    ),
    placed.map(({ fingerprint }) => fingerprint),
    placed.map(({ order }) => JSON.stringify(order)),
  ];
}

function fromOrderRow(row: OrderRow): OrderEntity {
  return Object.assign(new OrderEntity(), {
    orderId: row.order_id,
    channel: row.channel,
    currency: row.currency,
    customerId: row.customer_id,
    warehouseId: row.warehouse_id,
    placedAt: row.placed_at,
    promisedShipBy: row.promised_ship_by,
    lines: row.lines,
    state: row.state,
  });
}

function fromParkedEventRow(row: ParkedEventRow): ParkedEvent {
  return {
    eventId: row.event_id,
    orderId: row.order_id,
    eventType: row.event_type,
    sourceTopic: row.source_topic,
    businessTime: row.business_time.toISOString(),
    arrivedAt: row.arrived_at.toISOString(),
    payload: row.payload,
  };
}
