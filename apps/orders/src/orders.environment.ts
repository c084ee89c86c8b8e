import { Type } from 'class-transformer';
import { IsIntInRange } from '@opsline/platform';
import { DatabaseServiceEnvironment } from '@opsline/service-kit';
import { DEFAULT_MAX_PARKING_WAIT_MS } from './domain/pending-events';

/** The orders service's environment: the platform's variables, on port 3001 by default. */
export class OrdersEnvironment extends DatabaseServiceEnvironment {
  override PORT = 3001;

  /** How long an event for an unknown order waits for its placement before it is dead-lettered. */
  @Type(() => Number)
  @IsIntInRange(0, 7 * 24 * 60 * 60 * 1000)
  ORDERS_PARK_MAX_WAIT_MS = DEFAULT_MAX_PARKING_WAIT_MS;
}
