import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PeriodicSweep } from '@opsline/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { SweepParkedEventsUseCase } from '../application/sweep-parked-events.use-case';

/** Injection token of the parking wait in ms (`ORDERS_PARK_MAX_WAIT_MS`). */
export const PARK_MAX_WAIT_MS = Symbol('PARK_MAX_WAIT_MS');

/** Runs the parked-event sweep (`ORDERS_PARK_MAX_WAIT_MS`) periodically. */
@Injectable()
export class ParkedEventSweeper extends PeriodicSweep {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly sweepParked: SweepParkedEventsUseCase,
    @Inject(PARK_MAX_WAIT_MS) private readonly maxWait: number,
  ) {
    super(dataSource, maxWait, 'parked-event sweep');
  }

  protected sweep(manager: EntityManager, now: string): Promise<number> {
    return this.sweepParked.execute(manager, now, this.maxWait);
  }
}
