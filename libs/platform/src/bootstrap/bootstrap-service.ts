import type { IncomingMessage, Server } from 'node:http';
import type { DynamicModule, Type } from '@nestjs/common';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';
import type { ServiceEnvironment } from '../config/service-environment';
import { toErrorResponse } from '../errors/error-response';
import {
  installCorrelationHooks,
  installHttpMetricsHook,
  registerJsonBodyParsers,
} from '../http/fastify-hooks';
import { installSecurityHeaders } from '../http/security-headers';
import { correlationIdOfRequest } from '../logging/correlation-context';
import { createPlatformLogger } from '../logging/platform-logger';
import { PlatformNestLogger } from '../logging/platform-nest-logger';
import { PlatformMetrics } from '../metrics/platform-metrics';
import { OPENAPI_PATH, setupOpenApi } from '../openapi/openapi';
import { PLATFORM_OPTIONS } from '../platform-options';
import { type PendingWork, ShutdownMonitor } from './shutdown-monitor';

/** Options of {@link createPlatformApp} and {@link bootstrapService}. */
export interface BootstrapOptions<E extends ServiceEnvironment = ServiceEnvironment> {
  /** The service name, as given to `PlatformModule.forRoot`. */
  readonly name: string;
  /** The root module; it must import `PlatformModule.forRoot({ serviceName, environment })`. */
  readonly rootModule: Type<unknown> | DynamicModule;
  /** The validated environment (`loadConfig`): HOST, PORT, body limit, shutdown timeout. */
  readonly environment: E;
  /** Shown in the OpenAPI title; defaults to the npm package version or `dev`. */
  readonly version?: string;
  /** Installs SIGTERM/SIGINT handlers that shut down gracefully and exit (default `true`). */
  readonly handleSignals?: boolean;
  /** Ends the process after a signal-triggered shutdown; `process.exit` by default. */
  readonly exit?: (code: number) => void;
}

/** How a shutdown went: finished in time, or still waiting on `pending` when the deadline passed. */
export interface ShutdownOutcome {
  readonly completed: boolean;
  readonly durationMs: number;
  readonly pending: readonly PendingWork[];
}

/** An application made by {@link createPlatformApp}, initialized but not listening. */
export interface PlatformApp {
  readonly app: NestFastifyApplication;
  readonly shutdownMonitor: ShutdownMonitor;
}

/** A listening service. */
export interface RunningService extends PlatformApp {
  /** `http://host:port` it listens on. */
  readonly url: string;
  readonly port: number;
  /**
   * Graceful shutdown: stop accepting connections, run Nest's shutdown hooks (`onModuleDestroy`,
   * `beforeApplicationShutdown`, `onApplicationShutdown`) and close the HTTP server. Resolves when done,
   * or at `SHUTDOWN_TIMEOUT_MS` with what is still running. Repeated calls share one shutdown.
   */
  shutdown(signal?: string): Promise<ShutdownOutcome>;
}

/**
 * Creates and initializes the Nest application the way every service runs: Fastify with the configured
 * body limit, JSON (and CloudEvents) body parsing, correlation ids, security headers, HTTP metrics, the pino logger and
 * OpenAPI at `/docs`. Medium tests may use it directly with `app.inject`; `main.ts` uses
 * {@link bootstrapService}.
 */
export async function createPlatformApp(options: BootstrapOptions): Promise<PlatformApp> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.environment.HTTP_BODY_LIMIT_BYTES,
    genReqId: (request: IncomingMessage) => correlationIdOfRequest(request),
    // Fastify's router answers these itself (a path parameter over 100 characters, a URL it cannot
    // decode), before any hook or Nest filter: in its own body shape unless mapped here.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const { status, body, headers } = toErrorResponse(error);
      void reply.code(status).headers(headers).send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(options.rootModule, adapter, {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  try {
    assertPlatformModuleImported(app);
    app.useLogger(app.get(PlatformNestLogger));
    const fastify = app.getHttpAdapter().getInstance();
    registerJsonBodyParsers(fastify);
    installCorrelationHooks(fastify);
    installSecurityHeaders(fastify);
    installHttpMetricsHook(fastify, app.get(PlatformMetrics));
    setupOpenApi(app, { serviceName: options.name, version: options.version ?? defaultVersion() });
    const shutdownMonitor = new ShutdownMonitor();
    await app.init();
    instrumentShutdownHooks(app, shutdownMonitor);
    return { app, shutdownMonitor };
  } catch (error) {
    app.flushLogs();
    await app.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Starts a service: {@link createPlatformApp}, listen on `HOST:PORT`, log the URLs, and (unless
 * `handleSignals: false`) shut down gracefully on SIGTERM/SIGINT, exiting 0, or 1 with a log of what
 * was still running when `SHUTDOWN_TIMEOUT_MS` passed. It replaces Nest's `enableShutdownHooks`,
 * which runs the same hooks but without a deadline; using both would shut down twice.
 * Startup failures are logged and rethrown.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<RunningService> {
  const { app, shutdownMonitor } = await createPlatformApp(options).catch((error: unknown) => {
    reportStartupFailure(options.name, error);
    throw error;
  });
  const logger = app.get(PlatformNestLogger);
  const { HOST, PORT, SHUTDOWN_TIMEOUT_MS } = options.environment;
  try {
    await app.listen({ port: PORT, host: HOST });
  } catch (error) {
    logger.fatal({ err: error }, `${options.name} could not listen on ${HOST}:${PORT}`, 'Bootstrap');
    await app.close().catch(() => undefined);
    throw error;
  }
  const port = listeningPort(app);
  const url = `http://${HOST.includes(':') ? `[${HOST}]` : HOST}:${port}`;
  logger.log(
    `${options.name} listening on ${url} (docs ${url}/${OPENAPI_PATH}, health ${url}/health/ready, metrics ${url}/metrics)`,
    'Bootstrap',
  );
  let shuttingDown: Promise<ShutdownOutcome> | undefined;
  const shutdown = (signal?: string): Promise<ShutdownOutcome> => {
    shuttingDown ??= shutDownGracefully(app, shutdownMonitor, logger, SHUTDOWN_TIMEOUT_MS, signal);
    return shuttingDown;
  };
  if (options.handleSignals ?? true) {
    installSignalHandlers(shutdown, options.exit ?? ((code) => process.exit(code)));
  }
  return { app, shutdownMonitor, url, port, shutdown };
}

/** The app (and its logger) may not exist yet: one fatal JSON line on stderr. */
function reportStartupFailure(serviceName: string, error: unknown): void {
  const logger = createPlatformLogger({
    serviceName,
    level: 'info',
    destination: pino.destination({ dest: 2, sync: true }),
  });
  logger.fatal(
    { err: error },
    `${serviceName} failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
}

function installSignalHandlers(
  shutdown: (signal: string) => Promise<ShutdownOutcome>,
  exit: (code: number) => void,
): void {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal gets the default behaviour (immediate termination).
    for (const other of signals) process.removeListener(other, onSignal);
    void shutdown(signal).then((outcome) => exit(outcome.completed ? 0 : 1));
  };
  for (const signal of signals) process.once(signal, onSignal);
}

async function shutDownGracefully(
  app: NestFastifyApplication,
  monitor: ShutdownMonitor,
  logger: PlatformNestLogger,
  timeoutMs: number,
  signal: string | undefined,
): Promise<ShutdownOutcome> {
  const startedAt = Date.now();
  logger.log(
    `Shutting down${signal === undefined ? '' : ` on ${signal}`} (deadline ${timeoutMs} ms)`,
    'Shutdown',
  );
  stopAcceptingConnections(app.getHttpServer());
  const closing = monitor
    .track('app.close', () => closeWithSignal(app, signal))
    .then(
      () => true,
      (error: unknown) => {
        logger.error({ err: error }, 'A shutdown hook failed', 'Shutdown');
        return true;
      },
    );
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  const completed = await Promise.race([closing, deadline]);
  clearTimeout(timer);
  const durationMs = Date.now() - startedAt;
  if (completed) {
    logger.log(`Shut down in ${durationMs} ms`, 'Shutdown');
    return { completed, durationMs, pending: [] };
  }
  const pending = monitor.pending().filter((work) => work.name !== 'app.close');
  logger.error(
    { pending, activeResources: process.getActiveResourcesInfo() },
    `Shutdown did not finish within ${timeoutMs} ms; still running: ` +
      (pending.length === 0 ? 'no hook (open handles only)' : pending.map((work) => work.name).join(', ')),
    'Shutdown',
  );
  return { completed, durationMs, pending };
}

/**
 * `app.close(signal)`: Nest passes the signal on to `beforeApplicationShutdown`/`onApplicationShutdown`,
 * but its typings omit the parameter, hence the narrow cast.
 */
function closeWithSignal(app: NestFastifyApplication, signal: string | undefined): Promise<void> {
  return (app as unknown as { close(signal?: string): Promise<void> }).close(signal);
}

/** New connections are refused at once; requests in flight finish while the hooks run. */
function stopAcceptingConnections(server: Server): void {
  server.close(() => undefined);
  server.closeIdleConnections();
}

function instrumentShutdownHooks(app: NestFastifyApplication, monitor: ShutdownMonitor): void {
  const discovery = app.get(DiscoveryService);
  const wrappers = [...discovery.getProviders(), ...discovery.getControllers()];
  monitor.instrument(
    wrappers.filter((wrapper) => wrapper.isDependencyTreeStatic()).map((wrapper) => wrapper.instance),
  );
}

function assertPlatformModuleImported(app: NestFastifyApplication): void {
  try {
    app.get(PLATFORM_OPTIONS, { strict: false });
  } catch {
    throw new Error('The root module must import PlatformModule.forRoot({ serviceName, environment })');
  }
}

function listeningPort(app: NestFastifyApplication): number {
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string')
    throw new Error(`Unexpected server address ${address}`);
  return address.port;
}

function defaultVersion(): string {
  return process.env.npm_package_version ?? 'dev';
}
