import { Inject, Injectable } from '@nestjs/common';
import { Outbox } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import type { OrderReplica } from '../domain/order-replica';
import { decideReturn, Return, ReturnFact } from '../domain/return';
import { decideReturnRequest } from '../domain/return-policy';
import { ReturnRepository } from '../infrastructure/return.repository';
import { RecordWarehouseFactUseCase } from './record-warehouse-fact.use-case';
import { refusalError } from './return-refused.error';
import { ReturnEventCause, returnOutboxEntries } from './return-wire-events';
import { RETURNS_SETTINGS, ReturnsSettings } from './returns-settings';

/**
 * Puts a REQUESTED return through the policy with what is known of its order. When the policy
 * answers, the decision is saved and published, and the warehouse events parked for the return are
 * applied; when it parks, nothing changes. Shared by the request, the order replica and the sweep.
 */
@Injectable()
export class DecideReturnService {
  constructor(
    private readonly returns: ReturnRepository,
    private readonly outbox: Outbox,
    private readonly warehouseFacts: RecordWarehouseFactUseCase,
    @Inject(RETURNS_SETTINGS) private readonly settings: ReturnsSettings,
  ) {}

  /** The policy's answer for `ret`, the decided return (unsaved) or null when it stays parked. */
  async decide(
    manager: EntityManager,
    ret: Return,
    order: OrderReplica | null,
    final: boolean,
  ): Promise<{ decided: Return; facts: readonly ReturnFact[] } | null> {
    const alreadyAuthorized =
      order === null
        ? new Map<string, number>()
        : await this.returns.authorizedByLine(manager, ret.orderId, ret.returnId);
    const answer = decideReturnRequest(
      { requestedAt: ret.requestedAt, lines: ret.lines },
      { order, alreadyAuthorized, window: this.settings.window, final },
    );
    if (answer.decision === 'park') return null;
    const result = decideReturn(ret, order, answer);
    if (!result.ok) throw refusalError(result.refusal);
    return { decided: result.ret, facts: result.facts };
  }

  /** Decides a stored REQUESTED return; returns it as it stands afterwards. */
  async decideStored(
    manager: EntityManager,
    ret: Return,
    order: OrderReplica | null,
    final: boolean,
    cause: ReturnEventCause,
  ): Promise<Return> {
    const outcome = await this.decide(manager, ret, order, final);
    if (outcome === null) return ret;
    await this.returns.save(manager, outcome.decided);
    await this.outbox.add(manager, returnOutboxEntries(outcome.facts, cause));
    return this.warehouseFacts.reapplyParked(manager, outcome.decided);
  }
}
