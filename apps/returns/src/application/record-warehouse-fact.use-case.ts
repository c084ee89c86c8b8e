import { Inject, Injectable } from '@nestjs/common';
import {
  RETURN_INSPECTED_V1,
  RETURN_RECEIVED_V1,
  ReturnInspectedV1,
  ReturnReceivedV1,
} from '@opsline/contracts';
import { causeOf, ConsumedEvent, Outbox, outboxDeadLetter, OutboxEntry } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import { inspectReturn, receiveReturn, Return, ReturnResult } from '../domain/return';
import { ParkedWarehouseEvent, ReturnRepository } from '../infrastructure/return.repository';
import { refusalError, refusalMessage } from './return-refused.error';
import { returnOutboxEntries } from './return-wire-events';
import { RETURNS_SETTINGS, ReturnsSettings } from './returns-settings';

/** Where a consumed event came from, for parking it (and dead-lettering it later). */
export interface ConsumedFrom {
  readonly topic: string;
}

/**
 * Applies a warehouse receipt or inspection to its return in the caller's transaction. A refusal
 * is thrown with its code (the consumer dead-letters the event). An event for a return not seen or
 * not decided yet is parked and re-applied by {@link reapplyParked} once the return is decided.
 */
@Injectable()
export class RecordWarehouseFactUseCase {
  constructor(
    private readonly returns: ReturnRepository,
    private readonly outbox: Outbox,
    @Inject(RETURNS_SETTINGS) private readonly settings: ReturnsSettings,
  ) {}

  async execute(manager: EntityManager, event: ConsumedEvent, from: ConsumedFrom): Promise<void> {
    const returnId = (event.data as ReturnReceivedV1 | ReturnInspectedV1).returnId;
    const stored = await this.returns.loadForUpdate(manager, returnId);
    if (stored === null || stored.ret.status === 'REQUESTED') {
      await this.returns.park(manager, {
        eventId: event.id,
        returnId,
        eventType: event.type,
        sourceTopic: from.topic,
        businessTime: event.time,
        arrivedAt: new Date().toISOString(),
        payload: { ...event },
      });
      return;
    }
    const result = this.apply(stored.ret, event);
    if (!result.ok) throw refusalError(result.refusal);
    await this.returns.save(manager, result.ret);
    await this.outbox.add(manager, returnOutboxEntries(result.facts, causeOf(event)));
  }

  /**
   * Re-applies the warehouse events parked for a just-decided return, by business time, in the
   * caller's transaction; one the return refuses is dead-lettered with the refusal's code.
   */
  async reapplyParked(manager: EntityManager, decided: Return): Promise<Return> {
    const parked = await this.returns.unparkForReturn(manager, decided.returnId);
    if (parked.length === 0) return decided;
    let ret = decided;
    const entries: OutboxEntry[] = [];
    for (const event of parked) {
      const consumed = consumedOf(event);
      const result = this.apply(ret, consumed);
      if (!result.ok) {
        entries.push(parkedDeadLetter(event, refusalMessage(result.refusal)));
        continue;
      }
      ret = result.ret;
      entries.push(...returnOutboxEntries(result.facts, causeOf(consumed)));
    }
    if (ret !== decided) await this.returns.save(manager, ret);
    await this.outbox.add(manager, entries);
    return ret;
  }

  private apply(ret: Return, event: ConsumedEvent): ReturnResult {
    if (event.type === RETURN_RECEIVED_V1) {
      const data = event.data as ReturnReceivedV1;
      return receiveReturn(ret, {
        eventId: event.id,
        warehouseId: data.warehouseId,
        receivedAt: event.time,
        lines: data.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
      });
    }
    if (event.type !== RETURN_INSPECTED_V1) throw new Error(`not a warehouse return event: ${event.type}`);
    const data = event.data as ReturnInspectedV1;
    return inspectReturn(
      ret,
      {
        eventId: event.id,
        warehouseId: data.warehouseId,
        inspectedAt: event.time,
        lines: data.lines.map(({ lineId, sku, quantity, disposition, recoveredValueMinor }) => ({
          lineId,
          sku,
          quantity,
          disposition,
          recoveredValueMinor,
        })),
      },
      this.settings.restockingFeePercent,
    );
  }
}

/** The parked CloudEvent as the consumer handed it over. */
function consumedOf(event: ParkedWarehouseEvent): ConsumedEvent {
  return event.payload as unknown as ConsumedEvent;
}

/** A parked event's dead letter, through the outbox ({@link outboxDeadLetter}). */
export function parkedDeadLetter(event: ParkedWarehouseEvent, error: string): OutboxEntry {
  return outboxDeadLetter(consumedOf(event), event.sourceTopic, error);
}
