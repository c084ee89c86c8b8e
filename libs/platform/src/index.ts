/**
 * `@opsline/platform`: what every opsline service boots with. See the package README in
 * `libs/platform/README.md` and `bootstrapService` for a `main.ts`.
 */
import 'reflect-metadata';

export { loadConfig, loadConfigOrExit, ConfigValidationError } from './config/load-config';
export type { ConfigProblem, LoadConfigOrExitOptions } from './config/load-config';
export {
  ServiceEnvironment,
  NODE_ENVS,
  DEFAULT_BODY_LIMIT_BYTES,
  MAX_SHUTDOWN_TIMEOUT_MS,
} from './config/service-environment';
export type { NodeEnv } from './config/service-environment';
export { IsIntInRange, IsBrokerList, IsPostgresUrl, IsApiKeySpec } from './config/env-validators';

export { ApiKeyTable, ApiKeySpecError, ADMIN_SCOPE, DEV_API_KEY } from './auth/api-key-table';
export type { ApiKeyEntry, ScopeGrant } from './auth/api-key-table';
export { ApiKeyAuthenticator } from './auth/api-key-authenticator';
export { authorizeKey, assertWarehouseAllowed } from './auth/principal';
export type { Principal, Authorization } from './auth/principal';
export {
  RequireScopes,
  Public,
  CurrentPrincipal,
  principalOf,
  REQUIRED_SCOPES_KEY,
  PUBLIC_ROUTE_KEY,
} from './auth/auth.decorators';
export type { AuthenticatedRequest } from './auth/auth.decorators';
export { ApiKeyGuard } from './auth/api-key.guard';
export { RateLimiter } from './auth/rate-limiter';
export type { RateLimitSettings, RateDecision } from './auth/rate-limiter';

export {
  DomainError,
  InvalidRequestError,
  UnprocessableError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  RequestValidationError,
  HTTP_STATUS_BY_CATEGORY,
} from './errors/domain-error';
export type { ErrorCategory, FieldError, DomainErrorOptions } from './errors/domain-error';
export { toErrorResponse } from './errors/error-response';
export type { ErrorResponse, ErrorResponseBody, ErrorContext } from './errors/error-response';
export { PlatformExceptionFilter } from './errors/platform-exception.filter';
export { createPlatformValidationPipe } from './errors/validation.pipe';
export { validationErrorsToFields } from './errors/validation-fields';
export { ErrorResponseDto, ErrorDetailDto, FieldErrorDto } from './openapi/error-response.dto';

export {
  CorrelationContext,
  CORRELATION_ID_HEADER,
  correlationIdOfRequest,
} from './logging/correlation-context';
export { createPlatformLogger, httpLoggingOptions, LOG_LEVELS } from './logging/platform-logger';
export type { LogLevel, PlatformLoggerOptions } from './logging/platform-logger';
export { PlatformNestLogger } from './logging/platform-nest-logger';

export { KafkaHealthIndicator } from './health/kafka-health.indicator';
export type { KafkaHealthOptions, ClusterAdmin } from './health/kafka-health.indicator';
export { DatabaseHealthIndicator } from './health/database-health.indicator';
export type { PingableDataSource } from './health/database-health.indicator';
export { ReadinessChecks } from './health/readiness-checks';
export { withTimeout, TimeoutError } from './health/with-timeout';

export {
  MetricsRegistry,
  PlatformMetrics,
  createMetricsRegistry,
  httpRequestDurationHistogram,
  consumerLagGauge,
  outboxBacklogGauge,
  deadLettersCounter,
  HTTP_REQUEST_DURATION_METRIC,
  CONSUMER_LAG_METRIC,
  OUTBOX_BACKLOG_METRIC,
  DEAD_LETTERS_METRIC,
} from './metrics/platform-metrics';
export type { HttpRequestLabels } from './metrics/platform-metrics';

export { setupOpenApi, OPENAPI_PATH } from './openapi/openapi';
export type { OpenApiOptions } from './openapi/openapi';
export { JSON_MEDIA_TYPES } from './http/fastify-hooks';
export {
  installSecurityHeaders,
  SECURITY_HEADERS,
  DOCS_CONTENT_SECURITY_POLICY,
  DASHBOARD_CONTENT_SECURITY_POLICY,
} from './http/security-headers';

export { bootstrapService, createPlatformApp } from './bootstrap/bootstrap-service';
export type {
  BootstrapOptions,
  RunningService,
  PlatformApp,
  ShutdownOutcome,
} from './bootstrap/bootstrap-service';
export { ShutdownMonitor } from './bootstrap/shutdown-monitor';
export type { PendingWork } from './bootstrap/shutdown-monitor';

export { PlatformModule } from './platform.module';
export { PLATFORM_OPTIONS, PLATFORM_LOGGER } from './platform-options';
export type { PlatformModuleOptions } from './platform-options';
