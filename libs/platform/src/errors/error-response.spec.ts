import {
  BadRequestException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { IsInt, Min, ValidateNested, validateSync } from 'class-validator';
import { Type } from 'class-transformer';
import 'reflect-metadata';
import {
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RequestValidationError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableError,
} from './domain-error';
import { toErrorResponse } from './error-response';
import { validationErrorsToFields } from './validation-fields';

class OrderNotFound extends NotFoundError {
  constructor(orderId: string) {
    super('ORDER.NOT_FOUND', `Order "${orderId}" does not exist`);
  }
}

/** The shape Fastify's own errors have (`@fastify/error`). */
function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { name: 'FastifyError', code, statusCode });
}

describe('toErrorResponse', () => {
  it('maps each domain error class to its status with code and message', () => {
    const cases: [Error, number][] = [
      [new OrderNotFound('ORD-1'), 404],
      [new ConflictError('ORDER.ALREADY_SHIPPED', 'shipped'), 409],
      [new InvalidRequestError('REQUEST.BAD', 'bad'), 400],
      [new UnprocessableError('RETURN.WINDOW_EXPIRED', 'late'), 422],
      [new ForbiddenError('AUTH.MISSING_SCOPE', 'no'), 403],
      [new UnauthorizedError('AUTH.UNKNOWN_KEY', 'who'), 401],
      [new PayloadTooLargeError('INGEST.BATCH_TOO_LARGE', 'big'), 413],
    ];
    for (const [error, status] of cases) {
      const response = toErrorResponse(error);
      expect(response.status).toBe(status);
      expect(response.isServerError).toBe(false);
      expect(response.body).toEqual({
        error: { code: (error as NotFoundError).code, message: error.message },
      });
    }
    expect(toErrorResponse(new OrderNotFound('ORD-1')).body.error).toEqual({
      code: 'ORDER.NOT_FOUND',
      message: 'Order "ORD-1" does not exist',
    });
  });

  it('asks for credentials on 401', () => {
    expect(toErrorResponse(new UnauthorizedError('AUTH.MISSING_KEY', 'x')).headers).toEqual({
      'www-authenticate': 'Bearer realm="opsline"',
    });
  });

  it('says when to retry on 429', () => {
    const response = toErrorResponse(new TooManyRequestsError('REQUEST.RATE_LIMITED', 'slow down', 7));
    expect(response.status).toBe(429);
    expect(response.headers).toEqual({ 'retry-after': '7' });
    expect(response.body).toEqual({ error: { code: 'REQUEST.RATE_LIMITED', message: 'slow down' } });
  });

  it('lists the offending fields of a validation error', () => {
    class Line {
      @IsInt()
      @Min(1)
      quantity = 0;
    }
    class Order {
      @ValidateNested({ each: true })
      @Type(() => Line)
      lines = [new Line()];
    }
    const fields = validationErrorsToFields(validateSync(new Order()));
    expect(fields).toEqual([
      { field: 'lines.0.quantity', rule: 'min', message: 'quantity must not be less than 1' },
    ]);
    const response = toErrorResponse(new RequestValidationError(fields));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { code: 'REQUEST.VALIDATION_FAILED', message: 'Invalid request: lines.0.quantity', fields },
    });
  });

  it('maps body-parsing failures from Fastify and Nest to 413, 415 and 400', () => {
    const tooLarge = toErrorResponse(new PayloadTooLargeException('Request body is too large'), {
      bodyLimitBytes: 1024,
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toEqual({
      code: 'REQUEST.PAYLOAD_TOO_LARGE',
      message: 'The request body is larger than the limit of 1024 bytes',
    });
    const rawTooLarge = toErrorResponse(
      fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'),
    );
    expect(rawTooLarge.status).toBe(413);
    expect(rawTooLarge.body.error.code).toBe('REQUEST.PAYLOAD_TOO_LARGE');

    const media = toErrorResponse(new UnsupportedMediaTypeException(), { contentType: 'text/csv' });
    expect(media.status).toBe(415);
    expect(media.body.error.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
    expect(media.body.error.message).toMatch(
      /^Content-Type "text\/csv" is not supported; send application\/json/,
    );

    const badJson = toErrorResponse(
      new HttpException("Body is not valid JSON but content-type is set to 'application/json'", 400),
    );
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toEqual({
      code: 'REQUEST.INVALID',
      message: "Body is not valid JSON but content-type is set to 'application/json'",
    });
  });

  it('maps router errors by status', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /nope')).body.error).toEqual({
      code: 'ROUTE.NOT_FOUND',
      message: 'Cannot GET /nope',
    });
    expect(toErrorResponse(new BadRequestException(['a is bad', 'b is bad'])).body.error.message).toBe(
      'a is bad; b is bad',
    );
    expect(toErrorResponse(new HttpException('teapot', 418)).body.error.code).toBe('HTTP.418');
  });

  it('hides unexpected errors behind a 500 that is flagged for logging', () => {
    for (const error of [new Error('db password is hunter2'), 'a string', new HttpException('boom', 502)]) {
      const response = toErrorResponse(error);
      expect(response.isServerError).toBe(true);
      expect(response.body).toEqual({
        error: { code: 'INTERNAL.UNEXPECTED', message: 'An unexpected error occurred; it has been logged' },
      });
    }
    expect(toErrorResponse(new HttpException('boom', 502)).status).toBe(502);
  });
});
