import { Injectable } from '@nestjs/common';
import { ReturnRequestedV1 } from '@opsline/contracts';
import { Outbox } from '@opsline/messaging';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { requestReturn, Return } from '../domain/return';
import { ReturnRepository } from '../infrastructure/return.repository';
import { DecideReturnService } from './decide-return.service';
import { RecordWarehouseFactUseCase } from './record-warehouse-fact.use-case';
import { ReturnRequestConflict, ReturnRequestDuplicateLine } from './return-refused.error';
import { returnOutboxEntries } from './return-wire-events';

export interface RequestReturnCommand {
  readonly eventId: string;
  /** The request's business time (the event's `time`; now for the desk). */
  readonly requestedAt: string;
  readonly correlationId?: string;
  readonly data: ReturnRequestedV1;
}

/**
 * Takes a return request in (from Kafka, the HTTP twin or the desk), in the caller's transaction:
 * decides it by the policy (or parks it as REQUESTED while its order or shipment is unknown) and
 * publishes the decision. The same content again has no effect; other content for the same
 * return id is refused (RETURN.CONFLICT).
 */
@Injectable()
export class RequestReturnUseCase {
  constructor(
    private readonly returns: ReturnRepository,
    private readonly outbox: Outbox,
    private readonly decider: DecideReturnService,
    private readonly warehouseFacts: RecordWarehouseFactUseCase,
  ) {}

  async execute(
    manager: EntityManager,
    command: RequestReturnCommand,
  ): Promise<{ outcome: 'created' | 'duplicate'; ret: Return }> {
    const { data } = command;
    const seen = new Set<string>();
    for (const line of data.lines) {
      if (seen.has(line.lineId)) throw new ReturnRequestDuplicateLine(line.lineId);
      seen.add(line.lineId);
    }
    const fingerprint = requestFingerprint(data);
    const existing = await this.returns.loadForUpdate(manager, data.returnId);
    if (existing !== null) {
      if (existing.requestFingerprint !== fingerprint) throw new ReturnRequestConflict(data.returnId);
      return { outcome: 'duplicate', ret: existing.ret };
    }
    const requested = requestReturn({ ...data, requestedAt: command.requestedAt });
    const order = await this.returns.loadReplicaForUpdate(manager, data.orderId);
    const outcome = await this.decider.decide(manager, requested, order, false);
    if (outcome === null) {
      await this.returns.insert(manager, requested, fingerprint, new Date().toISOString());
      return { outcome: 'created', ret: requested };
    }
    await this.returns.insert(manager, outcome.decided, fingerprint, null);
    await this.outbox.add(
      manager,
      returnOutboxEntries(outcome.facts, {
        eventId: command.eventId,
        ...(command.correlationId === undefined ? {} : { correlationId: command.correlationId }),
      }),
    );
    const ret = await this.warehouseFacts.reapplyParked(manager, outcome.decided);
    return { outcome: 'created', ret };
  }
}

/** Order and lines, line order ignored; the request time is not part of it (the desk stamps now). */
export function requestFingerprint(data: ReturnRequestedV1): string {
  const lines = [...data.lines]
    .map(({ lineId, sku, quantity, reasonCode }) => [lineId, sku, quantity, reasonCode])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return createHash('sha256')
    .update(JSON.stringify([data.orderId, lines]))
    .digest('hex');
}
