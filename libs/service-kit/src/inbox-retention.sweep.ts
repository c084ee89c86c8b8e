import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { pruneInbox } from '@opsline/messaging';
import { DataSource, EntityManager } from 'typeorm';
import { PeriodicSweep } from './periodic-sweep';

/** The service schema whose inbox the sweep keeps, and how long (`INBOX_RETENTION_HOURS`). */
export interface InboxRetention {
  readonly schema: string;
  readonly retentionMs: number;
}

export const INBOX_RETENTION = Symbol('opsline:InboxRetention');

/** Rows deleted per run at most (every 30 s: ~57 million a day). */
export const INBOX_ROWS_PRUNED_PER_RUN = 20_000;

/** Keeps each inbox to `INBOX_RETENTION_HOURS`: every 30 s, its oldest rows past it are deleted. */
@Injectable()
export class InboxRetentionSweep extends PeriodicSweep {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(INBOX_RETENTION) private readonly retention: InboxRetention,
  ) {
    super(dataSource, 30_000, 'InboxRetention');
  }

  protected async sweep(manager: EntityManager, now: string): Promise<number> {
    const before = new Date(Date.parse(now) - this.retention.retentionMs).toISOString();
    return pruneInbox(manager, this.retention.schema, before, INBOX_ROWS_PRUNED_PER_RUN);
  }
}
