import { createHash } from 'node:crypto';
import { Message, Producer } from 'kafkajs';
import { Client, Pool, PoolClient } from 'pg';
import { outboxChannel } from '../messaging-tables';
import { MessagingLogger } from '../messaging-logger';

export interface OutboxRelayOptions {
  readonly databaseUrl: string;
  readonly schema: string;
  /** A connected kafkajs producer; the relay does not own it. */
  readonly producer: Producer;
  readonly logger: MessagingLogger;
  /** Rows published per round trip (default 500). */
  readonly batchSize?: number;
  /** How long to wait for a NOTIFY before looking anyway, a safety net only (default 2000 ms). */
  readonly idleCheckIntervalMs?: number;
  /** Published rows older than this are deleted (default 24 h). */
  readonly publishedRetentionMs?: number;
  /** Reports the number of unpublished rows (for the outbox backlog metric). */
  readonly onBacklog?: (pending: number) => void;
}

interface PendingRow {
  id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
}

const MAX_BACKOFF_MS = 5000;
const CLEANUP_EVERY_MS = 10 * 60 * 1000;

/** A stable 64-bit advisory lock key per schema: one relay per schema publishes at a time. */
function relayLockKey(schema: string): string {
  return createHash('sha256').update(`opsline-outbox-relay:${schema}`).digest().readBigInt64BE(0).toString();
}

/**
 * Publishes committed outbox rows to Kafka in commit order (id order) with the aggregate id as
 * key, then marks them published. It wakes on the outbox trigger's NOTIFY (sent at commit), so an
 * event is on Kafka milliseconds after its transaction commits. Rows of a crashed process stay
 * unpublished and go out after restart; a rolled-back transaction left no rows. Only the instance
 * holding the schema's advisory lock publishes, so order holds with several instances running.
 */
export class OutboxRelay {
  private readonly pool: Pool;
  private listener: Client | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private notified = false;
  private lastCleanup = 0;
  private stopDeadline = Infinity;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pool = new Pool({
      connectionString: options.databaseUrl,
      max: 2,
      application_name: `${options.schema}-outbox-relay`,
    });
    // An idle connection the server ends (restart, pg_terminate_backend) is emitted here; without a
    // listener the 'error' event would end the whole service.
    this.pool.on('error', (error) =>
      this.options.logger.warn('outbox relay connection lost', { error: error.message }),
    );
    // pg may report a session's end twice; the second comes after the pool stopped listening
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async start(): Promise<void> {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after publishing what is pending, or at the deadline, whichever comes first. */
  async stop(deadlineMs = 8000): Promise<void> {
    this.running = false;
    this.stopDeadline = Date.now() + deadlineMs;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        await this.publishWhileLeader();
        return;
      } catch (error) {
        // the lock's session ended (database restarted, connection killed) and the lock with it
        this.options.logger.error('outbox relay lost its database session; taking the lock again', {
          error: (error as Error).message,
          backoffMs: backoff,
        });
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Publishes while this instance holds the relay lock; throws if the lock's session dies. */
  private async publishWhileLeader(): Promise<void> {
    const lockClient = await this.acquireLeadership();
    if (lockClient === null) return;
    let lost: Error | null = null;
    const onLost = (error: Error): void => {
      lost = error;
      this.wake?.();
    };
    lockClient.on('error', onLost);
    try {
      await this.listen();
      let backoff = 100;
      while (
        lost === null &&
        (this.running || (Date.now() < this.stopDeadline && (await this.pendingCount()) > 0))
      ) {
        try {
          const published = await this.publishBatch();
          backoff = 100;
          if (published === 0 && this.running) await this.waitForWork();
          await this.cleanupIfDue();
        } catch (error) {
          this.options.logger.error('outbox relay could not publish; retrying', {
            error: (error as Error).message,
            backoffMs: backoff,
          });
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      }
      if (lost !== null) throw lost;
    } finally {
      // Destroyed, never pooled: back in the pool its session would keep the lock, and the next
      // acquireLeadership on another of the pool's connections would wait for it forever.
      lockClient.release(true);
    }
  }

  /** Waits until this instance holds the schema's relay lock (another instance may hold it). */
  private async acquireLeadership(): Promise<PoolClient | null> {
    while (this.running) {
      const client = await this.pool.connect();
      let locked: boolean;
      try {
        const { rows } = await client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1::bigint) AS locked',
          [relayLockKey(this.options.schema)],
        );
        locked = rows[0].locked;
      } catch (error) {
        // A session ended between the pool handing it out and this query: destroyed, not kept. Kept,
        // it held one of the pool's two places for good, and after a second such end every
        // pool.connect() waited forever: the relay stopped publishing (seen in the fault suite).
        client.release(true);
        throw error;
      }
      if (locked) return client;
      client.release();
      await this.sleep(this.options.idleCheckIntervalMs ?? 2000);
    }
    return null;
  }

  private async listen(): Promise<void> {
    await this.listener?.end().catch(() => undefined);
    this.listener = null;
    const listener = new Client({
      connectionString: this.options.databaseUrl,
      application_name: `${this.options.schema}-outbox-listener`,
    });
    // Listening before connecting: a session ended right after it started (pg_terminate_backend, a
    // restart) can deliver its error in the same read as the end of the handshake, before code after
    // `await connect()` runs, and an 'error' event without a listener ends the process.
    listener.on('error', (error) =>
      this.options.logger.warn('outbox listener failed', { error: error.message }),
    );
    listener.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    try {
      await listener.connect();
      await listener.query(`LISTEN "${outboxChannel(this.options.schema)}"`);
    } catch (error) {
      await listener.end().catch(() => undefined);
      throw error;
    }
    this.listener = listener;
  }

  /** Returns at once if a commit was announced since the last look, else waits for one (or the safety interval). */
  private async waitForWork(): Promise<void> {
    if (!this.notified) await this.sleep(this.options.idleCheckIntervalMs ?? 2000);
    this.notified = false;
  }

  /** Sleeps, unless woken early by a NOTIFY or by stop(). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Publishes the oldest pending rows; returns how many. */
  private async publishBatch(): Promise<number> {
    const { schema, batchSize = 500, producer } = this.options;
    const { rows } = await this.pool.query<PendingRow>(
      `SELECT id, topic, message_key, payload, headers FROM "${schema}".outbox
       WHERE published_at IS NULL ORDER BY id LIMIT $1`,
      [batchSize],
    );
    if (rows.length === 0) {
      this.options.onBacklog?.(0);
      return 0;
    }
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      let messages = byTopic.get(row.topic);
      if (messages === undefined) byTopic.set(row.topic, (messages = []));
      messages.push({ key: row.message_key, value: row.payload, headers: row.headers });
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    await this.pool.query(
      `UPDATE "${schema}".outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])`,
      [rows.map((r) => r.id)],
    );
    if (rows.length < batchSize) this.options.onBacklog?.(0);
    else this.options.onBacklog?.(await this.pendingCount());
    return rows.length;
  }

  private async pendingCount(): Promise<number> {
    const { rows } = await this.pool.query<{ pending: string }>(
      `SELECT count(*) AS pending FROM "${this.options.schema}".outbox WHERE published_at IS NULL`,
    );
    return Number(rows[0].pending);
  }

  private async cleanupIfDue(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    const retention = this.options.publishedRetentionMs ?? 24 * 60 * 60 * 1000;
    await this.pool.query(
      `DELETE FROM "${this.options.schema}".outbox WHERE published_at < clock_timestamp() - $1::int * interval '1 millisecond'`,
      [retention],
    );
  }
}
