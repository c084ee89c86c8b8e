import fc from 'fast-check';
import { RateLimiter } from './rate-limiter';

function limiterAt(settings: { ratePerSecond: number; burst: number; maxTrackedClients?: number }) {
  let now = 1_000_000;
  const limiter = new RateLimiter(settings, () => now);
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter', () => {
  it('allows a burst, then refuses with the whole seconds until the next token', () => {
    const { limiter } = limiterAt({ ratePerSecond: 2, burst: 3 });
    expect([1, 2, 3].map(() => limiter.take('k1').allowed)).toEqual([true, true, true]);
    expect(limiter.take('k1')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refills at the sustained rate and never beyond the burst', () => {
    const { limiter, advance } = limiterAt({ ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) limiter.take('k1');
    advance(500);
    expect(limiter.take('k1').allowed).toBe(true);
    expect(limiter.take('k1').allowed).toBe(false);
    advance(60_000);
    expect([1, 2, 3, 4].map(() => limiter.take('k1').allowed)).toEqual([true, true, true, false]);
  });

  it('rounds Retry-After up for slow rates', () => {
    const { limiter } = limiterAt({ ratePerSecond: 0.25, burst: 1 });
    limiter.take('k1');
    expect(limiter.take('k1')).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });

  it('keeps one budget per client', () => {
    const { limiter } = limiterAt({ ratePerSecond: 1, burst: 1 });
    expect(limiter.take('k1').allowed).toBe(true);
    expect(limiter.take('k1').allowed).toBe(false);
    expect(limiter.take('k2').allowed).toBe(true);
  });

  it('lets everything through when the rate is 0', () => {
    const { limiter } = limiterAt({ ratePerSecond: 0, burst: 1 });
    expect(limiter.enabled).toBe(false);
    expect(Array.from({ length: 100 }, () => limiter.take('k1').allowed).every(Boolean)).toBe(true);
    expect(limiter.trackedClients).toBe(0);
  });

  it('refuses negative settings', () => {
    expect(() => new RateLimiter({ ratePerSecond: -1, burst: 1 })).toThrow(/negative/);
  });

  it('tracks at most maxTrackedClients, dropping refilled buckets before busy ones', () => {
    const { limiter, advance } = limiterAt({ ratePerSecond: 1, burst: 2, maxTrackedClients: 3 });
    limiter.take('busy');
    limiter.take('busy');
    limiter.take('idle-1');
    limiter.take('idle-2');
    advance(2_000); // the idle ones refill; 'busy' refills too, so make it busy again
    limiter.take('busy');
    limiter.take('busy');
    limiter.take('new');
    expect(limiter.trackedClients).toBe(2);
    // the busy client's spent budget survived the eviction
    expect(limiter.take('busy').allowed).toBe(false);
  });

  it('never allows more than burst + rate × elapsed requests (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 200 }),
        (rate, burst, gapsMs) => {
          const { limiter, advance } = limiterAt({ ratePerSecond: rate, burst });
          let allowed = 0;
          let elapsedMs = 0;
          for (const gap of gapsMs) {
            advance(gap);
            elapsedMs += gap;
            if (limiter.take('k').allowed) allowed += 1;
          }
          expect(allowed).toBeLessThanOrEqual(burst + Math.floor((rate * elapsedMs) / 1000));
        },
      ),
    );
  });
});
