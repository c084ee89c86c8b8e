import { Injectable } from '@nestjs/common';
import { EntityManager, LessThanOrEqual } from 'typeorm';
import type { OrderPlacement } from '../domain/order-placement';
import { Order, orderFromPlacement } from '../domain/order-state';
import { OrderEntity, ParkedEventEntity } from './order.entity';

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

  /** Parks an event; parking the same event again keeps the first arrival. */
  async park(manager: EntityManager, event: ParkedEvent): Promise<void> {
    await manager.query(
      `INSERT INTO orders.parked_events
         (event_id, order_id, event_type, source_topic, business_time, arrived_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
      [
        event.eventId,
        event.orderId,
        event.eventType,
        event.sourceTopic,
        event.businessTime,
        event.arrivedAt,
        JSON.stringify(event.payload),
      ],
    );
  }

  /** Removes and returns the events parked for an order. */
  async unparkForOrder(manager: EntityManager, orderId: string): Promise<ParkedEvent[]> {
    const rows = await manager.find(ParkedEventEntity, { where: { orderId } });
    if (rows.length > 0) await manager.delete(ParkedEventEntity, { orderId });
    return rows.map(toParkedEvent);
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
