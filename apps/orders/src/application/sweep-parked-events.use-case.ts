import { Injectable } from '@nestjs/common';
import { Outbox } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import { planParkedEvents } from '../domain/pending-events';
import { OrderRepository } from '../infrastructure/order.repository';
import { parkedDeadLetter, RecordOrderFactUseCase } from './record-order-fact.use-case';

/** At most this many parked events are decided per sweep transaction. */
const SWEEP_BATCH = 500;

/**
 * Dead-letters the parked events whose order has not arrived within the wait
 * (`ORDER.UNKNOWN_AFTER_WAIT`, to `<source topic>.dlq` through the outbox), and re-applies any
 * whose order exists after all, in the caller's transaction. Returns how many it settled.
 */
@Injectable()
export class SweepParkedEventsUseCase {
  constructor(
    private readonly orders: OrderRepository,
    private readonly outbox: Outbox,
    private readonly recordFact: RecordOrderFactUseCase,
  ) {}

  async execute(manager: EntityManager, now: string, maxWaitMs: number): Promise<number> {
    const arrivedBy = new Date(Date.parse(now) - maxWaitMs).toISOString();
    const due = await this.orders.lockArrivedBy(manager, arrivedBy, SWEEP_BATCH);
    const existing = await this.orders.existingOrderIds(
      manager,
      due.map((event) => event.orderId),
    );
    const plan = planParkedEvents(due, { now, existingOrderIds: existing, maxWaitMs });
    const dead = plan.deadLetter.map(({ event, reason, detail }) =>
      parkedDeadLetter(event, `${reason}: ${detail}`),
    );
    await this.outbox.add(manager, dead);
    await this.orders.removeParked(
      manager,
      plan.deadLetter.map(({ event }) => event.eventId),
    );
    for (const orderId of new Set(plan.reapply.map((event) => event.orderId))) {
      const order = await this.orders.loadForUpdate(manager, orderId);
      if (order !== null) await this.recordFact.reapplyParked(manager, order);
    }
    return plan.deadLetter.length + plan.reapply.length;
  }
}
