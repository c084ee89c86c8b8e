import { Injectable } from '@nestjs/common';
import { causeOf, ConsumedEvent, Outbox, outboxDeadLetter, OutboxEntry } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import { inReapplicationOrder } from '../domain/pending-events';
import { Order } from '../domain/order-state';
import { OrderRepository, ParkedEvent } from '../infrastructure/order.repository';
import { applyFact, OrderFact, orderFactOf } from './order-facts';
import { refusalError, refusalMessage } from './order-refused.error';
import { OrderEventCause, orderOutboxEntries } from './order-wire-events';

/** Where a consumed event came from, for parking it (and dead-lettering it later). */
export interface ConsumedFrom {
  readonly topic: string;
}

/**
 * Applies a fact from a consumed event (allocation, shipment, cancellation) to its order in the
 * caller's transaction: persists the aggregate and writes its events to the outbox. A refusal is
 * thrown with its code, so the consumer dead-letters the event after its retries. An event for
 * an order not placed yet is parked, and re-applied by {@link reapplyParked} on placement.
 */
@Injectable()
export class RecordOrderFactUseCase {
  constructor(
    private readonly orders: OrderRepository,
    private readonly outbox: Outbox,
  ) {}

  async execute(manager: EntityManager, event: ConsumedEvent, from: ConsumedFrom): Promise<void> {
    await this.executeRun(manager, [event], from);
  }

  /**
   * Applies a run of consumed events (consecutive, in arrival order) with one statement per step
   * for the whole run: their orders are loaded and locked at once, the facts applied in memory in
   * order (several for one order apply in sequence, as one by one), and the changed orders, their
   * events and the parked events written at once. A refusal throws for the whole run: the consumer
   * then applies the run's events one by one, and dead-letters the refused one alone.
   */
  async executeRun(
    manager: EntityManager,
    events: readonly ConsumedEvent[],
    from: ConsumedFrom,
  ): Promise<void> {
    const facts = events.flatMap((event) => {
      const found = orderFactOf(event);
      return found === null ? [] : [{ event, ...found }];
    });
    if (facts.length === 0) return;
    const orders = await this.orders.loadManyForUpdate(
      manager,
      facts.map(({ orderId }) => orderId),
    );
    const changed = new Set<string>();
    const entries: OutboxEntry[] = [];
    const parked: ParkedEvent[] = [];
    for (const { event, orderId, fact } of facts) {
      const order = orders.get(orderId);
      if (order === undefined) {
        parked.push(parkedEventOf(event, orderId, from));
        continue;
      }
      const result = applyFact(order, fact);
      if (!result.ok) throw refusalError(result.refusal);
      if (result.outcome === 'duplicate') continue;
      orders.set(orderId, result.order);
      changed.add(orderId);
      entries.push(...orderOutboxEntries(result.events, causeOf(event)));
    }
    await this.orders.saveMany(
      manager,
      [...changed].map((orderId) => orders.get(orderId) as Order),
    );
    await this.outbox.add(manager, entries);
    await this.orders.parkMany(manager, parked);
  }

  /**
   * Re-applies the events parked for a just-placed order, in business-time order, in the
   * placement's transaction. One the order refuses is dead-lettered with the refusal's code, as
   * the consumer would have done had the order been there when it arrived.
   */
  async reapplyParked(manager: EntityManager, placed: Order): Promise<Order> {
    const parked = await this.orders.unparkForOrder(manager, placed.facts.orderId);
    return this.reapplyUnparked(manager, placed, parked);
  }

  /**
   * {@link reapplyParked} for a run of just-placed orders: one statement takes the parked events of
   * them all, and only the orders that had any are re-applied (one by one).
   */
  async reapplyParkedForPlaced(manager: EntityManager, placed: readonly Order[]): Promise<void> {
    const parked = await this.orders.unparkForOrders(
      manager,
      placed.map((order) => order.facts.orderId),
    );
    if (parked.length === 0) return;
    for (const order of placed) {
      const own = parked.filter((event) => event.orderId === order.facts.orderId);
      if (own.length > 0) await this.reapplyUnparked(manager, order, own);
    }
  }

  private async reapplyUnparked(
    manager: EntityManager,
    placed: Order,
    parked: ParkedEvent[],
  ): Promise<Order> {
    if (parked.length === 0) return placed;
    let order = placed;
    const entries: OutboxEntry[] = [];
    for (const event of inReapplicationOrder(parked)) {
      const found = orderFactOf(consumedOf(event));
      if (found === null) continue;
      const result = applyFact(order, found.fact);
      if (!result.ok) {
        entries.push(parkedDeadLetter(event, refusalMessage(result.refusal)));
        continue;
      }
      order = result.order;
      entries.push(...orderOutboxEntries(result.events, causeOf(consumedOf(event))));
    }
    if (order !== placed) await this.orders.save(manager, order);
    await this.outbox.add(manager, entries);
    return order;
  }

  /** Applies one fact to an existing order (the HTTP cancellation); refusals are thrown. */
  async applyToExisting(
    manager: EntityManager,
    order: Order,
    fact: OrderFact,
    cause: OrderEventCause,
  ): Promise<Order> {
    const result = applyFact(order, fact);
    if (!result.ok) throw refusalError(result.refusal);
    if (result.outcome === 'duplicate') return order;
    await this.orders.save(manager, result.order);
    await this.outbox.add(manager, orderOutboxEntries(result.events, cause));
    return result.order;
  }
}

/** An event for an order not placed yet, as it waits in the parking lot. */
function parkedEventOf(event: ConsumedEvent, orderId: string, from: ConsumedFrom): ParkedEvent {
  return {
    eventId: event.id,
    orderId,
    eventType: event.type,
    sourceTopic: from.topic,
    businessTime: event.time,
    arrivedAt: new Date().toISOString(),
    payload: { ...event },
  };
}

/** The parked CloudEvent as the consumer handed it over. */
export function consumedOf(event: ParkedEvent): ConsumedEvent {
  return event.payload as unknown as ConsumedEvent;
}

/** A parked event's dead letter, through the outbox ({@link outboxDeadLetter}). */
export function parkedDeadLetter(event: ParkedEvent, error: string): OutboxEntry {
  return outboxDeadLetter(consumedOf(event), event.sourceTopic, error);
}
