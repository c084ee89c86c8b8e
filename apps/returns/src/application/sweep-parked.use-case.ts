import { Injectable } from '@nestjs/common';
import { Outbox } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import { ReturnRepository } from '../infrastructure/return.repository';
import { DecideReturnService } from './decide-return.service';
import { parkedDeadLetter, RecordWarehouseFactUseCase } from './record-warehouse-fact.use-case';

/** At most this many parked items of each kind are settled per sweep transaction. */
const SWEEP_BATCH = 200;

/**
 * Settles what waited longer than the wait, in the caller's transaction: parked requests are
 * decided with what is known (RETURN.ORDER_UNKNOWN when the order was never seen, else the
 * policy's answer); parked receipts/inspections whose return never came are dead-lettered
 * (RETURN.UNKNOWN), and those whose return is decided by now are applied. Returns how many it settled.
 */
@Injectable()
export class SweepParkedUseCase {
  constructor(
    private readonly returns: ReturnRepository,
    private readonly outbox: Outbox,
    private readonly decider: DecideReturnService,
    private readonly warehouseFacts: RecordWarehouseFactUseCase,
  ) {}

  async execute(manager: EntityManager, now: string, maxWaitMs: number): Promise<number> {
    const dueBy = new Date(Date.parse(now) - maxWaitMs).toISOString();
    const dueReturns = await this.returns.parkedBy(manager, dueBy, SWEEP_BATCH);
    for (const { returnId, orderId } of dueReturns) {
      const order = await this.returns.loadReplicaForUpdate(manager, orderId);
      const stored = await this.returns.loadForUpdate(manager, returnId);
      // Another transaction may have decided it since it was listed.
      if (stored === null || stored.ret.status !== 'REQUESTED') continue;
      await this.decider.decideStored(manager, stored.ret, order, true, { eventId: `sweep:${returnId}` });
    }
    const dueEvents = await this.returns.parkedWarehouseEventsBy(manager, dueBy, SWEEP_BATCH);
    const statuses = await this.returns.statusesOf(
      manager,
      dueEvents.map((event) => event.returnId),
    );
    const unknown = dueEvents.filter((event) => !statuses.has(event.returnId));
    await this.outbox.add(
      manager,
      unknown.map((event) =>
        parkedDeadLetter(event, `RETURN.UNKNOWN: no return ${event.returnId} arrived within ${maxWaitMs} ms`),
      ),
    );
    await this.returns.removeParked(
      manager,
      unknown.map((event) => event.eventId),
    );
    const decidedIds = new Set(
      dueEvents
        .filter((event) => statuses.has(event.returnId) && statuses.get(event.returnId) !== 'REQUESTED')
        .map((event) => event.returnId),
    );
    for (const returnId of decidedIds) {
      const stored = await this.returns.loadForUpdate(manager, returnId);
      if (stored !== null) await this.warehouseFacts.reapplyParked(manager, stored.ret);
    }
    return dueReturns.length + unknown.length + decidedIds.size;
  }
}
