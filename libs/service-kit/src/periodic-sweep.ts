import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A sweep runs at most this far apart, or every wait when the wait is shorter (never below 100 ms). */
const MAX_SWEEP_INTERVAL_MS = 30_000;

/**
 * A sweep of what waited too long (parked events), run periodically in one transaction per run,
 * never two at once, from application start until shutdown (which waits for the run in flight).
 * Subclasses say what one run does.
 */
export abstract class PeriodicSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  protected constructor(
    private readonly dataSource: DataSource,
    /** How long things may wait: the sweep runs every `min(maxWaitMs, 30 s)`. */
    private readonly maxWaitMs: number,
    private readonly name: string,
  ) {
    this.logger = new Logger(name);
  }

  /** One run, in the given transaction, at `now`. */
  protected abstract sweep(manager: EntityManager, now: string): Promise<unknown>;

  onApplicationBootstrap(): void {
    const interval = Math.max(Math.min(this.maxWaitMs, MAX_SWEEP_INTERVAL_MS), 100);
    this.timer = setInterval(() => void this.runOnce(), interval);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep now (skipped when one is still running). */
  async runOnce(): Promise<void> {
    if (this.running !== undefined) return;
    this.running = this.dataSource
      .transaction((manager) => this.sweep(manager, new Date().toISOString()))
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`${this.name} failed: ${(error as Error).message}`),
      )
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }
}
