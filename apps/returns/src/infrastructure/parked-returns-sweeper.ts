import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PeriodicSweep } from '@opsline/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { RETURNS_SETTINGS, ReturnsSettings } from '../application/returns-settings';
import { SweepParkedUseCase } from '../application/sweep-parked.use-case';

/** Runs the sweep of parked requests and warehouse events (`RETURNS_PARK_MAX_WAIT_MS`) periodically. */
@Injectable()
export class ParkedReturnsSweeper extends PeriodicSweep {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly sweepParked: SweepParkedUseCase,
    @Inject(RETURNS_SETTINGS) private readonly settings: ReturnsSettings,
  ) {
    super(dataSource, settings.parkMaxWaitMs, 'parked-returns sweep');
  }

  protected sweep(manager: EntityManager, now: string): Promise<unknown> {
    return this.sweepParked.execute(manager, now, this.settings.parkMaxWaitMs);
  }
}
