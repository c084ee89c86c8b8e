import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import { CorrelationContext, correlationIdOfRequest } from './correlation-context';

/** Log levels accepted by `LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link createPlatformLogger}. */
export interface PlatformLoggerOptions {
  readonly serviceName: string;
  readonly level: LogLevel;
  /** Where the JSON lines go; stdout by default. Tests pass a stream to read them. */
  readonly destination?: DestinationStream;
}

/** Paths never written to a log: credentials the client sent. */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'];

/** Routes polled by machines; their successful requests are not logged. */
const QUIET_ROUTES = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/**
 * The service's pino logger: one JSON object per line with `service`, an ISO `time`, a textual
 * `level`, and the current `correlationId` (from {@link CorrelationContext}) whenever there is one.
 */
export function createPlatformLogger(options: PlatformLoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.serviceName, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The id goes into the merge object, never into child bindings, so a line never carries it twice.
      mixin: () => {
        const correlationId = CorrelationContext.currentId();
        return correlationId === undefined ? {} : { correlationId };
      },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * pino-http invents an `Error('failed with status code 5xx')`, with a meaningless stack, for every 5xx;
 * the exception filter has already logged the real error.
 */
function isStatusOnlyError(err: Error, res: ServerResponse): boolean {
  return err.message === `failed with status code ${res.statusCode}`;
}

function withoutErr(value: object): object {
  const { err: _err, ...rest } = value as { err?: unknown };
  return rest;
}

/**
 * pino-http options for nestjs-pino: the request id is the correlation id, one completion line per
 * request (warn for 4xx, error for 5xx) carrying `correlationId`, health and metrics polls left out.
 */
export function httpLoggingOptions(logger: Logger): PinoHttpOptions {
  const withCorrelation = (req: IncomingMessage, value: object): object => ({
    ...value,
    correlationId: correlationIdOfRequest(req),
  });
  return {
    logger,
    genReqId: (req: IncomingMessage) => correlationIdOfRequest(req),
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error): Level =>
      err !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: {
      // Middleware sees a URL relative to its mount point; the original is what the client asked for.
      ignore: (req: IncomingMessage & { originalUrl?: string }) =>
        QUIET_ROUTES.test(req.originalUrl ?? req.url ?? ''),
    },
    customSuccessObject: (req: IncomingMessage, _res: ServerResponse, value: object) =>
      withCorrelation(req, value),
    customErrorObject: (req: IncomingMessage, res: ServerResponse, err: Error, value: object) =>
      withCorrelation(req, isStatusOnlyError(err, res) ? withoutErr(value) : value),
    serializers: {
      req: (req: { method?: string; url?: string; remoteAddress?: string }) => ({
        method: req.method,
        url: req.url,
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
