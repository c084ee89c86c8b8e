import { Injectable } from '@nestjs/common';
import { BatchHandlerContext, BeforeRun, ConsumedEvent } from '@opsline/messaging';
import { OrderRepository } from './order.repository';

/** The distinct order ids a run's events name (`data.orderId`), in first-seen order. */
export function orderIdsOfRun(events: readonly ConsumedEvent[]): string[] {
  const orderIds = new Set<string>();
  for (const event of events) {
    const orderId = (event.data as { orderId?: unknown } | null)?.orderId;
    if (typeof orderId === 'string') orderIds.add(orderId);
  }
  return [...orderIds];
}

/**
 * Locks every order a consumer transaction will touch before any handler runs, in one statement in
 * id order. A run mixing types (placements, then a cancellation) is applied in segments that each
 * lock their own orders; two runs applied at once (the ingest and the inventory partitions) then
 * took their locks crosswise and PostgreSQL broke the deadlock by aborting one (seen in CI logs).
 * The handlers' own locks are taken again by the same transaction, which returns at once.
 */
@Injectable()
export class RunOrderLocks {
  constructor(private readonly orders: OrderRepository) {}

  @BeforeRun()
  async lockRunOrders(
    events: readonly ConsumedEvent[],
    { manager }: Omit<BatchHandlerContext, 'records'>,
  ): Promise<void> {
    await this.orders.lockOrderIds(manager, orderIdsOfRun(events));
  }
}
