import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { FactoryProvider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { RETRYABLE_SQLSTATES, sqlStateOf } from './sql';

/** PostgreSQL isolation levels (READ UNCOMMITTED behaves as READ COMMITTED there, so it is left out). */
export type IsolationLevel = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

/** Per-call options of {@link TransactionRunner.run}. */
export interface TransactionOptions {
  /** Default: the server's (READ COMMITTED). */
  isolation?: IsolationLevel;
}

/** What {@link TransactionRunnerOptions.onRetry} is told before a retry. */
export interface TransactionRetry {
  /** The attempt that failed, from 1. */
  attempt: number;
  sqlState: string;
  delayMs: number;
  error: unknown;
}

/** Tuning of {@link TransactionRunner}. */
export interface TransactionRunnerOptions {
  /** Attempts in all, including the first; default 5. */
  maxAttempts?: number;
  /** Backoff before the second attempt; doubles each time, with full jitter. Default 10 ms. */
  baseDelayMs?: number;
  /** Cap of the backoff; default 500 ms. */
  maxDelayMs?: number;
  /** Called before each retry, e.g. to count or log conflicts. */
  onRetry?: (retry: TransactionRetry) => void;
}

interface ActiveTransaction {
  manager: EntityManager;
  isolation: IsolationLevel | undefined;
}

/** True for errors worth retrying the whole transaction for: serialization failures and deadlocks. */
export function isRetryableTransactionError(error: unknown): boolean {
  const sqlState = sqlStateOf(error);
  return sqlState !== undefined && RETRYABLE_SQLSTATES.has(sqlState);
}

/**
 * Backoff before attempt `failedAttempt + 1`: "full jitter" (uniform in [0, min(max, base·2^(n-1))]),
 * so transactions that collided once do not collide again in lock step.
 */
export function retryDelayMs(
  failedAttempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.floor(random() * ceiling);
}

// One store per data source, not per runner, so two runners over the same data source (say, one made
// by Nest and one by a test) still see each other's transaction.
const activeTransactions = new WeakMap<DataSource, AsyncLocalStorage<ActiveTransaction>>();

function storageFor(dataSource: DataSource): AsyncLocalStorage<ActiveTransaction> {
  let storage = activeTransactions.get(dataSource);
  if (!storage) {
    storage = new AsyncLocalStorage<ActiveTransaction>();
    activeTransactions.set(dataSource, storage);
  }
  return storage;
}

/**
 * The one helper that carries the transaction (the idea of Vendure's `TransactionalConnection`).
 * Use cases call `run`; repositories call `manager` / `getRepository` and so take part in whatever
 * transaction is running around them, without an `EntityManager` being passed through every call.
 *
 * - `run` commits when `work` resolves and rolls back when it throws (the error propagates).
 * - Serialization failures and deadlocks (SQLSTATE 40001, 40P01) roll back and run `work` again,
 *   up to `maxAttempts`, so `work` must only touch the database (publish through the outbox).
 * - A `run` inside a `run` joins the outer transaction; the outer one owns commit and retries.
 *
 * In Nest: `providers: [transactionRunnerProvider()]`, then inject `TransactionRunner`.
 */
export class TransactionRunner {
  private readonly storage: AsyncLocalStorage<ActiveTransaction>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: TransactionRunnerOptions = {},
  ) {
    this.storage = storageFor(dataSource);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 10;
    this.maxDelayMs = options.maxDelayMs ?? 500;
  }

  /** The current transaction's entity manager, or the data source's when no transaction is running. */
  get manager(): EntityManager {
    return this.storage.getStore()?.manager ?? this.dataSource.manager;
  }

  /** Whether the caller is inside `run`. */
  get inTransaction(): boolean {
    return this.storage.getStore() !== undefined;
  }

  /** A repository bound to the current transaction (or to no transaction). */
  getRepository<Entity extends ObjectLiteral>(target: EntityTarget<Entity>): Repository<Entity> {
    return this.manager.getRepository(target);
  }

  /**
   * Runs `work` in a transaction and returns its result after COMMIT. See the class comment for
   * rollback, retry and nesting rules.
   */
  async run<T>(work: (manager: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const outer = this.storage.getStore();
    if (outer) return this.joinOuter(outer, work, options);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(work, options.isolation);
      } catch (error) {
        const sqlState = sqlStateOf(error);
        if (!isRetryableTransactionError(error) || sqlState === undefined || attempt >= this.maxAttempts) {
          throw error;
        }
        const delayMs = retryDelayMs(attempt, this.baseDelayMs, this.maxDelayMs);
        this.options.onRetry?.({ attempt, sqlState, delayMs, error });
        if (delayMs > 0) await delay(delayMs);
      }
    }
  }

  private runOnce<T>(work: (manager: EntityManager) => Promise<T>, isolation?: IsolationLevel): Promise<T> {
    const inTransaction = (manager: EntityManager): Promise<T> =>
      this.storage.run({ manager, isolation }, () => work(manager));
    return isolation
      ? this.dataSource.transaction(isolation, inTransaction)
      : this.dataSource.transaction(inTransaction);
  }

  private joinOuter<T>(
    outer: ActiveTransaction,
    work: (manager: EntityManager) => Promise<T>,
    options: TransactionOptions,
  ): Promise<T> {
    // Silently running a SERIALIZABLE use case inside a READ COMMITTED transaction would drop the
    // guarantee it asked for; better to fail loudly at the first test.
    if (options.isolation && options.isolation !== (outer.isolation ?? 'READ COMMITTED')) {
      throw new Error(
        `nested transaction asks for ${options.isolation} but joins one running at ${outer.isolation ?? 'READ COMMITTED'}`,
      );
    }
    return work(outer.manager);
  }
}

/**
 * A Nest provider of {@link TransactionRunner} over the default TypeORM `DataSource`
 * (the one `TypeOrmModule.forRoot` registers).
 */
export function transactionRunnerProvider(
  options: TransactionRunnerOptions = {},
): FactoryProvider<TransactionRunner> {
  return {
    provide: TransactionRunner,
    useFactory: (dataSource: DataSource) => new TransactionRunner(dataSource, options),
    inject: [DataSource],
  };
}
