import { type ValidationOptions, ValidateBy, buildMessage } from 'class-validator';
import { ApiKeySpecError, ApiKeyTable } from '../auth/api-key-table';

/** The variable is an integer in `min..max` (after the string-to-number transform). */
export function IsIntInRange(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIntInRange',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) =>
          Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
        defaultMessage: buildMessage(() => `$property must be an integer ${min}..${max}`, options),
      },
    },
    options,
  );
}

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

/** The variable is a non-empty list of `host:port` (already split on commas). */
export function IsBrokerList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBrokerList',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.length > 0 &&
          value.every(
            (broker) => typeof broker === 'string' && HOST_PORT.test(broker) && portOf(broker) <= 65535,
          ),
        defaultMessage: buildMessage(() => '$property must be a comma-separated list of host:port', options),
      },
    },
    options,
  );
}

function portOf(broker: string): number {
  return Number(broker.slice(broker.lastIndexOf(':') + 1));
}

/** The variable is a `postgres://` or `postgresql://` URL. */
export function IsPostgresUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isPostgresUrl',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            const url = new URL(value);
            return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
          } catch {
            return false;
          }
        },
        defaultMessage: buildMessage(
          () => '$property must be a postgres://user:password@host:port/db URL',
          options,
        ),
      },
    },
    options,
  );
}

/** The variable parses as an `OPSLINE_API_KEYS` spec; the message names every malformed entry. */
export function IsApiKeySpec(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isApiKeySpec',
      validator: {
        // Presence is IsNotEmpty's business; this one judges a value that is there.
        validate: (value: unknown) =>
          value === undefined || (typeof value === 'string' && apiKeySpecProblems(value).length === 0),
        defaultMessage: buildMessage(
          (_each, args) =>
            typeof args?.value === 'string'
              ? `$property is malformed: ${apiKeySpecProblems(args.value).join('; ')}`
              : '$property must be a string like k1=orders:write;k2=warehouse:write@WH-1',
          options,
        ),
      },
    },
    options,
  );
}

function apiKeySpecProblems(spec: string): readonly string[] {
  try {
    ApiKeyTable.parse(spec);
    return [];
  } catch (error) {
    if (error instanceof ApiKeySpecError) return error.problems;
    throw error;
  }
}
