import { Logger } from '@nestjs/common';
import { createPlatformLogger } from './platform-logger';
import { PlatformNestLogger } from './platform-nest-logger';
import { CorrelationContext } from './correlation-context';

function capture(): { lines: Record<string, unknown>[]; logger: PlatformNestLogger } {
  const lines: Record<string, unknown>[] = [];
  const pino = createPlatformLogger({
    serviceName: 'orders',
    level: 'trace',
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { lines, logger: new PlatformNestLogger(pino) };
}

describe('PlatformNestLogger', () => {
  afterEach(() => Logger.overrideLogger(false));

  it('writes Nest log calls as JSON lines with service, level, context and correlation id', () => {
    const { lines, logger } = capture();
    Logger.overrideLogger(logger);
    CorrelationContext.run('corr-7', () => new Logger('OrdersService').log('order placed'));
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'orders',
        context: 'OrdersService',
        correlationId: 'corr-7',
        msg: 'order placed',
      }),
    ]);
    expect(typeof lines[0].time).toBe('string');
  });

  it('merges objects, keeps errors and understands the stack-as-second-argument contract', () => {
    const { lines, logger } = capture();
    logger.warn({ topic: 'opsline.orders', partition: 0 }, 'lagging', 'Consumer');
    logger.error(new Error('boom'), 'Relay');
    logger.error('handler failed', 'Error: handler failed\n    at x (y.ts:1:1)', 'ExceptionsHandler');
    logger.verbose('details');
    expect(lines[0]).toMatchObject({
      level: 'warn',
      topic: 'opsline.orders',
      partition: 0,
      msg: 'lagging',
      context: 'Consumer',
    });
    expect(lines[1]).toMatchObject({
      level: 'error',
      msg: 'boom',
      context: 'Relay',
      err: { message: 'boom' },
    });
    expect(lines[2]).toMatchObject({
      level: 'error',
      msg: 'handler failed',
      context: 'ExceptionsHandler',
      err: { stack: 'Error: handler failed\n    at x (y.ts:1:1)' },
    });
    expect(lines[3]).toMatchObject({ level: 'trace', msg: 'details' });
    expect(lines.every((line) => !('correlationId' in line))).toBe(true);
  });
});
