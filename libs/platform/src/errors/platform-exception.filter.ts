import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type Observable, throwError } from 'rxjs';
import { toErrorResponse } from './error-response';

interface RequestLike {
  readonly method?: string;
  readonly url?: string;
  readonly headers?: Record<string, string | string[] | undefined>;
}

/**
 * The one global exception filter: every HTTP error answer, whether thrown by a controller, a guard,
 * Fastify's body parsing or the router, goes through {@link toErrorResponse}. Non-HTTP contexts (Kafka
 * handlers) are left to their own error handling.
 */
@Catch()
export class PlatformExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('PlatformExceptionFilter');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly bodyLimitBytes: number,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // RPC and other transports keep their own error semantics (an errored stream for Nest microservices).
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    const request = http.getRequest<RequestLike>();
    const reply: unknown = http.getResponse();
    const contentType = firstHeader(request.headers?.['content-type']);
    const response = toErrorResponse(exception, { bodyLimitBytes: this.bodyLimitBytes, contentType });
    if (response.isServerError) {
      this.logger.error(
        { err: exception, method: request.method, url: request.url },
        `Unhandled error on ${request.method ?? '?'} ${request.url ?? '?'}`,
      );
    }
    const adapter = this.adapterHost.httpAdapter;
    for (const [name, value] of Object.entries(response.headers)) adapter.setHeader(reply, name, value);
    adapter.reply(reply, response.body, response.status);
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
