import type { FastifyBodyParser, FastifyInstance } from 'fastify';
import { InvalidRequestError } from '../errors/domain-error';
import { forbiddenPropertyError, tooDeepBodyError } from './json-body-limits';
import {
  CORRELATION_ID_HEADER,
  CorrelationContext,
  correlationIdOfRequest,
} from '../logging/correlation-context';
import type { PlatformMetrics } from '../metrics/platform-metrics';

/** Media types parsed as JSON; any other body is answered 415. */
export const JSON_MEDIA_TYPES = [
  'application/json',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
] as const;

/**
 * Replaces Fastify's body parsers with one JSON parser for {@link JSON_MEDIA_TYPES} (within the
 * instance's `bodyLimit`), so CloudEvents bodies parse and bad JSON is a 400 with a stable code, as is
 * a body nesting deeper than `MAX_JSON_BODY_DEPTH` or carrying a `__proto__` key.
 */
export function registerJsonBodyParsers(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const parser: FastifyBodyParser<string> = (request, body, done) => {
    parseJson(request, body, (error, value) => {
      if (error === null) {
        const tooDeep = tooDeepBodyError(value);
        if (tooDeep === undefined) done(null, value);
        else done(tooDeep, undefined);
        return;
      }
      done(
        forbiddenPropertyError(body) ??
          (body.length === 0
            ? new InvalidRequestError(
                'REQUEST.EMPTY_BODY',
                'The request body is empty but its Content-Type is JSON',
              )
            : new InvalidRequestError('REQUEST.INVALID_JSON', 'The request body is not valid JSON')),
        undefined,
      );
    });
  };
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser([...JSON_MEDIA_TYPES], { parseAs: 'string' }, parser);
}

/**
 * Gives every request its correlation id (the caller's `x-correlation-id` or a new one), echoes it in
 * the response header, and runs the request's handling inside {@link CorrelationContext}. The context
 * is entered again before the handler because body parsing resumes on the socket's async context.
 */
export function installCorrelationHooks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const correlationId = correlationIdOfRequest(request.raw);
    void reply.header(CORRELATION_ID_HEADER, correlationId);
    CorrelationContext.run(correlationId, done);
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    CorrelationContext.run(correlationIdOfRequest(request.raw), done);
  });
}

/** Records every answered request in the HTTP duration histogram, labelled with the route template. */
export function installHttpMetricsHook(fastify: FastifyInstance, metrics: PlatformMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttpRequest(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}
