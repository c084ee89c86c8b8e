/**
 * The HTTP-facing class of an expected failure. The one global exception filter turns it into a status;
 * code in the domain and application layers only picks the class.
 */
export type ErrorCategory =
  | 'invalid'
  | 'unprocessable'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'too-many-requests'
  | 'unavailable';

/** HTTP status for each {@link ErrorCategory}. */
export const HTTP_STATUS_BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  unprocessable: 422,
  'too-many-requests': 429,
  unavailable: 503,
};

/** One field that failed validation: its dotted path (`data.lines.0.quantity`), the rule, and why. */
export interface FieldError {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/** Optional details of a {@link DomainError}. */
export interface DomainErrorOptions {
  /** Offending fields, answered to the client as `error.fields`. */
  readonly fields?: readonly FieldError[];
  /** The underlying error, for logs only (never sent to the client). */
  readonly cause?: unknown;
}

/**
 * An expected failure with a stable machine-readable `code` (`ORDER.NOT_FOUND`, `RETURN.WINDOW_EXPIRED`)
 * and a human message. Services extend one of the category classes below instead of throwing Nest's
 * `HttpException`s; the global filter answers `{ "error": { code, message, fields? } }`.
 *
 * @example
 * export class OrderNotFound extends NotFoundError {
 *   constructor(orderId: string) { super('ORDER.NOT_FOUND', `Order "${orderId}" does not exist`); }
 * }
 */
export abstract class DomainError extends Error {
  /** Which HTTP status class this error belongs to. */
  abstract readonly category: ErrorCategory;
  /** Offending fields, if any. */
  readonly fields?: readonly FieldError[];

  constructor(
    /** Stable, documented error code: `AREA.REASON` in upper snake case. */
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.fields !== undefined && options.fields.length > 0) this.fields = options.fields;
  }

  /** The HTTP status of this error's category. */
  get httpStatus(): number {
    return HTTP_STATUS_BY_CATEGORY[this.category];
  }
}

/** The request is malformed (400): bad JSON, a field of the wrong type, a missing parameter. */
export class InvalidRequestError extends DomainError {
  readonly category = 'invalid';
}

/** The request is well-formed but breaks a rule (422): a quantity above what was shipped. */
export class UnprocessableError extends DomainError {
  readonly category = 'unprocessable';
}

/** No or an unknown credential (401). */
export class UnauthorizedError extends DomainError {
  readonly category = 'unauthorized';
}

/** A known credential that may not do this (403). */
export class ForbiddenError extends DomainError {
  readonly category = 'forbidden';
}

/** The addressed resource does not exist (404). */
export class NotFoundError extends DomainError {
  readonly category = 'not-found';
}

/** The request conflicts with the current state (409): cancelling a shipped order. */
export class ConflictError extends DomainError {
  readonly category = 'conflict';
}

/** The request body is larger than allowed (413). */
export class PayloadTooLargeError extends DomainError {
  readonly category = 'payload-too-large';
}

/** The request body's media type is not accepted (415). */
export class UnsupportedMediaTypeError extends DomainError {
  readonly category = 'unsupported-media-type';
}

/** The caller sent more requests than its rate limit allows (429); `Retry-After` says when to try again. */
export class TooManyRequestsError extends DomainError {
  readonly category = 'too-many-requests';

  constructor(
    code: string,
    message: string,
    /** Whole seconds until a retry can succeed. */
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

/** A dependency is down; the client may retry later (503). */
export class ServiceUnavailableError extends DomainError {
  readonly category = 'unavailable';
}

/** Request validation failed; `fields` names every offending field (400, code `REQUEST.VALIDATION_FAILED`). */
export class RequestValidationError extends InvalidRequestError {
  constructor(fields: readonly FieldError[], message = describeFields(fields)) {
    super('REQUEST.VALIDATION_FAILED', message, { fields });
  }
}

function describeFields(fields: readonly FieldError[]): string {
  if (fields.length === 0) return 'The request is invalid';
  const names = [...new Set(fields.map((f) => f.field))];
  return `Invalid request: ${names.join(', ')}`;
}
