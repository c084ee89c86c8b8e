import { HttpException } from '@nestjs/common';
import { DomainError, type FieldError, TooManyRequestsError } from './domain-error';

/** The JSON body of every error answer: `{ "error": { code, message, fields? } }`. */
export interface ErrorResponseBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly fields?: readonly FieldError[];
  };
}

/** What the exception filter sends, and whether the failure is ours (logged as an error) or the client's. */
export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorResponseBody;
  readonly headers: Readonly<Record<string, string>>;
  /** `true` for 5xx: an unexpected failure that must be logged with its stack. */
  readonly isServerError: boolean;
}

/** Request facts that make some messages more useful. */
export interface ErrorContext {
  readonly bodyLimitBytes?: number;
  readonly contentType?: string;
}

/** Codes for errors raised by Nest or Fastify themselves (routing, body parsing), by status. */
const CODE_BY_HTTP_STATUS: Readonly<Record<number, string>> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'ROUTE.NOT_FOUND',
  405: 'ROUTE.METHOD_NOT_ALLOWED',
  406: 'REQUEST.NOT_ACCEPTABLE',
  408: 'REQUEST.TIMEOUT',
  411: 'REQUEST.LENGTH_REQUIRED',
  413: 'REQUEST.PAYLOAD_TOO_LARGE',
  414: 'REQUEST.URI_TOO_LONG',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  429: 'REQUEST.TOO_MANY',
  503: 'SERVICE.UNAVAILABLE',
};

const UNAUTHORIZED_HEADERS = { 'www-authenticate': 'Bearer realm="opsline"' };
const INTERNAL: ErrorResponseBody = {
  error: { code: 'INTERNAL.UNEXPECTED', message: 'An unexpected error occurred; it has been logged' },
};

/**
 * Maps anything thrown while handling a request to the one error shape. {@link DomainError}s keep their
 * code and fields; Nest `HttpException`s and Fastify errors (body too large, bad media type) get a code
 * by status; everything else is a 500 whose message never leaks internals.
 */
export function toErrorResponse(exception: unknown, context: ErrorContext = {}): ErrorResponse {
  if (exception instanceof DomainError) {
    const status = exception.httpStatus;
    const error =
      exception.fields === undefined
        ? { code: exception.code, message: exception.message }
        : { code: exception.code, message: exception.message, fields: exception.fields };
    const response = respond(status, { error });
    return exception instanceof TooManyRequestsError
      ? { ...response, headers: { 'retry-after': String(exception.retryAfterSeconds) } }
      : response;
  }
  const status = httpStatusOf(exception);
  if (status === undefined || status >= 500) {
    return { status: status ?? 500, body: INTERNAL, headers: {}, isServerError: true };
  }
  const code = CODE_BY_HTTP_STATUS[status] ?? `HTTP.${status}`;
  return respond(status, { error: { code, message: messageFor(status, exception, context) } });
}

function respond(status: number, body: ErrorResponseBody): ErrorResponse {
  const headers = status === 401 ? UNAUTHORIZED_HEADERS : {};
  return { status, body, headers, isServerError: status >= 500 };
}

/** The status of a Nest `HttpException` or of an error object carrying `statusCode` (Fastify's). */
function httpStatusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  if (exception instanceof Error && 'statusCode' in exception) {
    const status = exception.statusCode;
    if (typeof status === 'number' && status >= 400 && status <= 599) return status;
  }
  return undefined;
}

function messageFor(status: number, exception: unknown, context: ErrorContext): string {
  if (status === 413 && context.bodyLimitBytes !== undefined) {
    return `The request body is larger than the limit of ${context.bodyLimitBytes} bytes`;
  }
  if (status === 415) {
    const sent =
      context.contentType === undefined ? 'no Content-Type' : `Content-Type "${context.contentType}"`;
    return `${sent} is not supported; send application/json, application/cloudevents+json or application/cloudevents-batch+json`;
  }
  return plainMessageOf(exception);
}

function plainMessageOf(exception: unknown): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.map(String).join('; ');
  }
  return exception instanceof Error ? exception.message : 'The request failed';
}
