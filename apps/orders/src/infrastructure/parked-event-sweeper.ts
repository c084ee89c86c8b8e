import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SweepParkedEventsUseCase } from '../application/sweep-parked-events.use-case';

/** Injection token of the parking wait in ms (`ORDERS_PARK_MAX_WAIT_MS`). */
export const PARK_MAX_WAIT_MS = Symbol('PARK_MAX_WAIT_MS');

/** The sweep runs this often, or every wait when the wait is shorter. */
const MAX_SWEEP_INTERVAL_MS = 30_000;

/** Runs the parked-event sweep periodically, one transaction per run, never two at once. */
@Injectable()
export class ParkedEventSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ParkedEventSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sweep: SweepParkedEventsUseCase,
    @Inject(PARK_MAX_WAIT_MS) private readonly maxWaitMs: number,
  ) {}

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
      .transaction((manager) => this.sweep.execute(manager, new Date().toISOString(), this.maxWaitMs))
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`parked-event sweep failed: ${(error as Error).message}`),
      )
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }
}
