import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The HTTP header that carries the correlation id in and out. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** What a caller may pass as a correlation id: 1..128 visible characters without spaces or quotes. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

interface CorrelationStore {
  readonly correlationId: string;
}

const storage = new AsyncLocalStorage<CorrelationStore>();

/**
 * The correlation id of the work in progress, kept in an `AsyncLocalStorage` so that every log line
 * written while handling an HTTP request or a Kafka message carries it without passing it around.
 * The HTTP layer enters it per request; a Kafka handler enters the event's id with {@link run}.
 */
export const CorrelationContext = {
  /** Runs `fn` (and everything it awaits) with `correlationId` as the current id. */
  run<T>(correlationId: string, fn: () => T): T {
    return storage.run({ correlationId }, fn);
  },

  /** The current correlation id, or `undefined` outside any {@link run}. */
  currentId(): string | undefined {
    return storage.getStore()?.correlationId;
  },

  /** A fresh correlation id (a UUID). */
  newId(): string {
    return randomUUID();
  },

  /** `candidate` when it is an acceptable correlation id, else a fresh one. */
  acceptOrCreate(candidate: string | readonly string[] | undefined): string {
    const value = Array.isArray(candidate) ? candidate[0] : candidate;
    return typeof value === 'string' && ACCEPTABLE_ID.test(value) ? value : randomUUID();
  },
};

const idsByRequest = new WeakMap<IncomingMessage, string>();

/**
 * The correlation id of an HTTP request: the caller's `x-correlation-id` if acceptable, else a new one.
 * Idempotent per request, so Fastify's request id, the pino-http logger and the response header agree.
 */
export function correlationIdOfRequest(request: IncomingMessage): string {
  let id = idsByRequest.get(request);
  if (id === undefined) {
    id = CorrelationContext.acceptOrCreate(request.headers[CORRELATION_ID_HEADER]);
    idsByRequest.set(request, id);
  }
  return id;
}
