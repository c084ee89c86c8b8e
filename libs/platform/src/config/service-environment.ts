// class-transformer's @Type reads design metadata through the Reflect API.
import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, ValidateIf } from 'class-validator';
import { LOG_LEVELS, type LogLevel } from '../logging/platform-logger';
import { IsApiKeySpec, IsBrokerList, IsIntInRange, IsPostgresUrl } from './env-validators';

/** `NODE_ENV` values the services know. */
export const NODE_ENVS = ['development', 'test', 'production'] as const;
/** One of {@link NODE_ENVS}. */
export type NodeEnv = (typeof NODE_ENVS)[number];

/** 1 MiB: the default request body limit. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_RATE_LIMIT_PER_SECOND = 1000;
export const DEFAULT_RATE_LIMIT_BURST = 2000;
/** The longest a graceful shutdown may take before the process is forced out. */
export const MAX_SHUTDOWN_TIMEOUT_MS = 10_000;

function splitList({ value }: { value: unknown }): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : value;
}

/**
 * The environment every service reads, validated once at start by {@link loadConfig}. A service extends
 * it with its own variables (and may give `PORT` a default: `override PORT = 3001`). Property
 * initializers are the defaults; an unset or empty variable keeps its default.
 */
export class ServiceEnvironment {
  /** `development` (default), `test` or `production`; production refuses to start without API keys. */
  @IsIn(NODE_ENVS, { message: `$property must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: NodeEnv = 'development';

  /** The HTTP port; required unless the service sets a default. */
  @Type(() => Number)
  @IsIntInRange(1, 65535)
  PORT!: number;

  /** The interface to listen on (default `127.0.0.1`; `0.0.0.0` in a container). */
  @IsString()
  @IsNotEmpty({ message: '$property must not be empty' })
  HOST = '127.0.0.1';

  /** pino level (default `info`). */
  @IsIn(LOG_LEVELS, { message: `$property must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** Kafka bootstrap brokers, comma-separated `host:port` (default `127.0.0.1:9092`). */
  @Transform(splitList)
  @IsBrokerList()
  KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  /** PostgreSQL URL; optional here, a service with a database requires it in its own class. */
  @IsOptional()
  @IsPostgresUrl()
  DATABASE_URL?: string;

  /**
   * `k1=orders:write,returns:write;k2=warehouse:write@WH-1;k3=kpi:read;k4=admin`. Unset: only the
   * documented `dev-key` is accepted, with every scope, and the service says so loudly at start;
   * required when `NODE_ENV=production`.
   */
  @ValidateIf(
    (env: ServiceEnvironment) => env.NODE_ENV === 'production' || env.OPSLINE_API_KEYS !== undefined,
  )
  @IsNotEmpty({
    message: '$property must be set when NODE_ENV=production (the dev-key fallback is for one machine only)',
  })
  @IsApiKeySpec()
  OPSLINE_API_KEYS?: string;

  /** Largest accepted request body in bytes (default 1 MiB); larger bodies get 413. */
  @Type(() => Number)
  @IsIntInRange(1, 1024 * 1024 * 1024)
  HTTP_BODY_LIMIT_BYTES = DEFAULT_BODY_LIMIT_BYTES;

  /**
   * Requests per second each API key may make to this instance, sustained (default 1000; 0 turns
   * limiting off). Requests without a valid key are limited the same way per client address.
   * Past the limit the answer is 429 with `Retry-After`.
   */
  @Type(() => Number)
  @IsIntInRange(0, 1_000_000)
  HTTP_RATE_LIMIT_PER_SECOND = DEFAULT_RATE_LIMIT_PER_SECOND;

  /** Requests a key may make at once before the sustained rate applies (default 2000). */
  @Type(() => Number)
  @IsIntInRange(1, 10_000_000)
  HTTP_RATE_LIMIT_BURST = DEFAULT_RATE_LIMIT_BURST;

  /** How long a graceful shutdown may take before the process is forced out (default and max 10 s). */
  @Type(() => Number)
  @IsIntInRange(1, MAX_SHUTDOWN_TIMEOUT_MS)
  SHUTDOWN_TIMEOUT_MS = MAX_SHUTDOWN_TIMEOUT_MS;
}
