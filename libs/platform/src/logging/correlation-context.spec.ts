import type { IncomingMessage } from 'node:http';
import { CorrelationContext, correlationIdOfRequest } from './correlation-context';

function requestWith(headers: Record<string, string | string[]>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('CorrelationContext', () => {
  it('exposes the id inside run, across awaits, and nothing outside', async () => {
    expect(CorrelationContext.currentId()).toBeUndefined();
    const seen = await CorrelationContext.run('corr-1', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return CorrelationContext.currentId();
    });
    expect(seen).toBe('corr-1');
    expect(CorrelationContext.currentId()).toBeUndefined();
  });

  it('keeps concurrent runs apart', async () => {
    const ids = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        CorrelationContext.run(id, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return CorrelationContext.currentId();
        }),
      ),
    );
    expect(ids).toEqual(['a', 'b', 'c']);
  });

  it('accepts a reasonable caller id and replaces an unsafe or oversized one', () => {
    expect(CorrelationContext.acceptOrCreate('req-42:abc')).toBe('req-42:abc');
    expect(CorrelationContext.acceptOrCreate(['first', 'second'])).toBe('first');
    for (const bad of ['has space', 'x'.repeat(129), '', 'line\nbreak', undefined]) {
      const id = CorrelationContext.acceptOrCreate(bad);
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('gives one request the same id however often it is asked', () => {
    const generated = requestWith({});
    expect(correlationIdOfRequest(generated)).toBe(correlationIdOfRequest(generated));
    expect(correlationIdOfRequest(requestWith({ 'x-correlation-id': 'from-caller' }))).toBe('from-caller');
  });
});
