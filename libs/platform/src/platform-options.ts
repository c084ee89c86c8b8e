import type { DestinationStream } from 'pino';
import type { ServiceEnvironment } from './config/service-environment';

/** Options of `PlatformModule.forRoot`. */
export interface PlatformModuleOptions<E extends ServiceEnvironment = ServiceEnvironment> {
  /** `orders`, `returns`, `inventory`, `kpi`: in every log line, the OpenAPI title and client ids. */
  readonly serviceName: string;
  /** The validated environment (see `loadConfig`); also injectable by its class and as `ServiceEnvironment`. */
  readonly environment: E;
  /** Where log lines go (stdout by default); tests pass a stream to read them. */
  readonly logDestination?: DestinationStream;
  /** Timeout of the Kafka readiness check (default 2000 ms). */
  readonly kafkaHealthTimeoutMs?: number;
}

/** Injection token of the application's pino `Logger` (for libs that want `logger.child(...)`). */
export const PLATFORM_LOGGER = Symbol('opsline:PlatformLogger');

/** Injection token of the {@link PlatformModuleOptions}. */
export const PLATFORM_OPTIONS = Symbol('opsline:PlatformModuleOptions');
