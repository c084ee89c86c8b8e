import { Injectable } from '@nestjs/common';
import { Outbox } from '@opsline/messaging';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { closeReturn, Return } from '../domain/return';
import { ReturnRepository } from '../infrastructure/return.repository';
import { refusalError, ReturnNotFound } from './return-refused.error';
import { returnOutboxEntries } from './return-wire-events';

/** Closes a return by hand with units still outstanding (`POST /returns/{id}/close`). */
@Injectable()
export class CloseReturnUseCase {
  constructor(
    private readonly returns: ReturnRepository,
    private readonly outbox: Outbox,
  ) {}

  async execute(manager: EntityManager, returnId: string, reason: string): Promise<Return> {
    const stored = await this.returns.loadForUpdate(manager, returnId);
    if (stored === null) throw new ReturnNotFound(returnId);
    const result = closeReturn(stored.ret, reason, new Date().toISOString());
    if (!result.ok) throw refusalError(result.refusal);
    await this.returns.save(manager, result.ret);
    await this.outbox.add(manager, returnOutboxEntries(result.facts, { eventId: `close:${randomUUID()}` }));
    return result.ret;
  }
}
