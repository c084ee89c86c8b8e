import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

type LogCall = (object: object, message?: string, ...args: unknown[]) => void;

/** Nest's `ExceptionsHandler` logs `error(message, stack, context)`; the stack is recognised by its frames. */
const STACK_TRACE = /\n\s*at /;

/**
 * Nest's logger contract written to this application's pino logger, so `new Logger('Orders').log(...)`
 * lands in the same JSON stream as the request logs, with `service`, `context` and the current
 * `correlationId`. (nestjs-pino's own `Logger` writes out-of-request lines to the first logger created
 * in the process, which is wrong as soon as a process hosts more than one application, as tests do.)
 */
export class PlatformNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const fields: Record<string, unknown> = {};
    let rest = params;
    // Nest appends the logger's context as the last parameter.
    const last = rest[rest.length - 1];
    if (typeof last === 'string' && rest.length > 0) {
      fields.context = last;
      rest = rest.slice(0, -1);
    }
    const call = this.pino[level].bind(this.pino) as LogCall;
    if (level === 'error' && typeof message === 'string' && isStackOnly(rest)) {
      const err = new Error(message);
      err.stack = rest[0] as string;
      call({ ...fields, err }, message);
    } else if (message instanceof Error) {
      call({ ...fields, err: message }, messageOf(rest) ?? message.message, ...rest.slice(1));
    } else if (typeof message === 'object' && message !== null) {
      call({ ...fields, ...message }, messageOf(rest), ...rest.slice(1));
    } else {
      call(fields, String(message), ...rest);
    }
  }
}

function isStackOnly(params: unknown[]): boolean {
  return params.length === 1 && typeof params[0] === 'string' && STACK_TRACE.test(params[0]);
}

function messageOf(params: unknown[]): string | undefined {
  return typeof params[0] === 'string' ? params[0] : undefined;
}
