import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { pruneInbox } from '@opsline/messaging';
import { DataSource, EntityManager } from 'typeorm';
import { PeriodicSweep } from './periodic-sweep';

/** The schemas whose inboxes the sweep keeps, and how long (`INBOX_RETENTION_HOURS`). */
export interface InboxRetention {
  /** The service's schema. */
  readonly schema: string;
  /** More schemas holding the service's inboxes, as they are when a run starts. */
  readonly moreSchemas?: (manager: EntityManager) => Promise<readonly string[]>;
  readonly retentionMs: number;
}

export const INBOX_RETENTION = Symbol('opsline:InboxRetention');

/** Rows deleted per inbox and run at most (every 30 s: ~57 million a day). */
const ROWS_PRUNED_PER_RUN = 20_000;

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
    const { schema, moreSchemas, retentionMs } = this.retention;
    const before = new Date(Date.parse(now) - retentionMs).toISOString();
    let pruned = 0;
    for (const inboxSchema of new Set([schema, ...((await moreSchemas?.(manager)) ?? [])]))
      pruned += await pruneInbox(manager, inboxSchema, before, ROWS_PRUNED_PER_RUN);
    return pruned;
  }
}
