import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RETURNS_SETTINGS, ReturnsSettings } from '../application/returns-settings';
import { SweepParkedUseCase } from '../application/sweep-parked.use-case';

/** The sweep runs this often, or every wait when the wait is shorter. */
const MAX_SWEEP_INTERVAL_MS = 30_000;

/** Runs the sweep of parked requests and warehouse events (`RETURNS_PARK_MAX_WAIT_MS`) periodically, one transaction per run, never two at once. */
@Injectable()
export class ParkedReturnsSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ParkedReturnsSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sweep: SweepParkedUseCase,
    @Inject(RETURNS_SETTINGS) private readonly settings: ReturnsSettings,
  ) {}

  onApplicationBootstrap(): void {
    const interval = Math.max(Math.min(this.settings.parkMaxWaitMs, MAX_SWEEP_INTERVAL_MS), 100);
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
      .transaction((manager) =>
        this.sweep.execute(manager, new Date().toISOString(), this.settings.parkMaxWaitMs),
      )
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`parked-returns sweep failed: ${(error as Error).message}`),
      )
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }
}
