import { Type } from 'class-transformer';
import { IsString, ValidateBy } from 'class-validator';
import { IsIntInRange } from '@opsline/platform';
import { DatabaseServiceEnvironment } from '@opsline/service-kit';
import { DEFAULT_RESTOCKING_FEE_PERCENT } from './domain/refund';
import { DEFAULT_RETURN_WINDOW_DAYS, parseWindowDaysByChannel } from './domain/return-window';

/** A parked request or warehouse event waits this long (5 minutes) before it is decided anyway. */
export const DEFAULT_RETURNS_PARK_MAX_WAIT_MS = 300_000;

/** `webshop=30,marketplace=14`: channel=days pairs separated by commas. */
function IsWindowDaysByChannel(): PropertyDecorator {
  return ValidateBy({
    name: 'isWindowDaysByChannel',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseWindowDaysByChannel(value).ok,
      defaultMessage: (args) => {
        const parsed = parseWindowDaysByChannel(String(args?.value));
        return `$property must be channel=days pairs separated by commas (${parsed.ok ? '' : parsed.error})`;
      },
    },
  });
}

/** The returns service's environment: the platform's variables, on port 3002 by default. */
export class ReturnsEnvironment extends DatabaseServiceEnvironment {
  override PORT = 3002;

  /** Days after a line's latest shipment within which it may be returned. */
  @Type(() => Number)
  @IsIntInRange(0, 3650)
  RETURNS_WINDOW_DAYS = DEFAULT_RETURN_WINDOW_DAYS;

  /** Per-channel windows overriding RETURNS_WINDOW_DAYS, e.g. `webshop=30,marketplace=14`. */
  @IsString()
  @IsWindowDaysByChannel()
  RETURNS_WINDOW_DAYS_BY_CHANNEL = '';

  /** Restocking fee in whole percent kept back on NO_LONGER_NEEDED / SIZE_FIT refunds. */
  @Type(() => Number)
  @IsIntInRange(0, 100)
  RETURNS_RESTOCKING_FEE_PERCENT = DEFAULT_RESTOCKING_FEE_PERCENT;

  /** How long a request waits for its order/shipment (and a receipt for its return) before it is decided. */
  @Type(() => Number)
  @IsIntInRange(0, 7 * 24 * 60 * 60 * 1000)
  RETURNS_PARK_MAX_WAIT_MS = DEFAULT_RETURNS_PARK_MAX_WAIT_MS;
}

/** The per-channel windows of a validated environment. */
export function windowDaysByChannelOf(environment: ReturnsEnvironment): Record<string, number> {
  const parsed = parseWindowDaysByChannel(environment.RETURNS_WINDOW_DAYS_BY_CHANNEL);
  return parsed.ok ? parsed.value : {};
}
