import { Injectable } from '@nestjs/common';
import { BatchHandlerContext, BeforeRun, ConsumedEvent } from '@opsline/messaging';
import { ReturnRepository } from './return.repository';

/** The distinct return ids and order ids a run's events name (`data.returnId`, `data.orderId`). */
export function aggregatesOfRun(events: readonly ConsumedEvent[]): {
  returnIds: string[];
  orderIds: string[];
} {
  const returnIds = new Set<string>();
  const orderIds = new Set<string>();
  for (const event of events) {
    const data = event.data as { returnId?: unknown; orderId?: unknown } | null;
    if (typeof data?.returnId === 'string') returnIds.add(data.returnId);
    if (typeof data?.orderId === 'string') orderIds.add(data.orderId);
  }
  return { returnIds: [...returnIds], orderIds: [...orderIds] };
}

/**
 * Locks every return and order replica a consumer transaction will lock, before any handler runs,
 * in one statement in key order. The handlers lock them event by event (a request: its return, then
 * its order), so two runs applied at once (the returns, warehouse and orders partitions) took them
 * crosswise and PostgreSQL aborted one of them as a deadlock (seen in the test logs).
 */
@Injectable()
export class RunReturnLocks {
  constructor(private readonly returns: ReturnRepository) {}

  @BeforeRun()
  async lockRunAggregates(
    events: readonly ConsumedEvent[],
    { manager }: Omit<BatchHandlerContext, 'records'>,
  ): Promise<void> {
    const { returnIds, orderIds } = aggregatesOfRun(events);
    await this.returns.lockRunAggregates(manager, returnIds, orderIds);
  }
}
