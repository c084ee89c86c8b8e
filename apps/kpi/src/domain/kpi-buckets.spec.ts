import fc from 'fast-check';
import { bucketStartOf, GRANULARITIES, MAX_BUCKETS, nextBucketStart, planBuckets } from './kpi-buckets';

const ms = (iso: string): number => Date.parse(iso);

describe('KPI buckets', () => {
  it('starts weeks on Monday 00:00 UTC (2026-11-16 is a Monday)', () => {
    expect(new Date(bucketStartOf(ms('2026-11-22T23:59:59.999Z'), 'week')).toISOString()).toBe(
      '2026-11-16T00:00:00.000Z',
    );
    expect(new Date(bucketStartOf(ms('2026-11-23T00:00:00.000Z'), 'week')).toISOString()).toBe(
      '2026-11-23T00:00:00.000Z',
    );
    expect(new Date(bucketStartOf(ms('2026-11-16T00:00:00.000Z'), 'week')).toISOString()).toBe(
      '2026-11-16T00:00:00.000Z',
    );
  });

  it('makes months calendar months of different lengths, across a year end', () => {
    const plan = planBuckets(ms('2026-11-15T00:00:00.000Z'), ms('2027-03-01T00:00:00.000Z'), 'month');
    expect(plan.ok && plan.buckets.map((b) => [b.start, b.end])).toEqual([
      ['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
      ['2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
      ['2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z'],
      ['2027-02-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z'],
    ]);
  });

  it('lists every aligned bucket that overlaps [from, to)', () => {
    const plan = planBuckets(ms('2026-11-20T10:30:00.000Z'), ms('2026-11-20T12:15:00.000Z'), 'hour');
    expect(plan.ok && plan.buckets.map((b) => [b.start, b.end])).toEqual([
      ['2026-11-20T10:00:00.000Z', '2026-11-20T11:00:00.000Z'],
      ['2026-11-20T11:00:00.000Z', '2026-11-20T12:00:00.000Z'],
      ['2026-11-20T12:00:00.000Z', '2026-11-20T13:00:00.000Z'],
    ]);
    expect(plan.ok && plan.buckets[0].key).toBe(ms('2026-11-20T10:00:00.000Z'));
  });

  it('refuses an empty range and more than 10,000 buckets, and accepts exactly 10,000', () => {
    const from = ms('2026-01-01T00:00:00.000Z');
    expect(planBuckets(from, from, 'day')).toEqual({ ok: false, reason: 'EMPTY_RANGE' });
    expect(planBuckets(from + 1, from, 'day')).toEqual({ ok: false, reason: 'EMPTY_RANGE' });
    const exactly = planBuckets(from, from + MAX_BUCKETS * 3_600_000, 'hour');
    expect(exactly.ok && exactly.buckets.length).toBe(MAX_BUCKETS);
    expect(planBuckets(from, from + MAX_BUCKETS * 3_600_000 + 1, 'hour')).toEqual({
      ok: false,
      reason: 'TOO_MANY_BUCKETS',
    });
  });

  it('covers any range with consecutive aligned buckets, the first holding from and the last to', () => {
    const time = fc.integer({ min: ms('2020-01-01T00:00:00.000Z'), max: ms('2030-01-01T00:00:00.000Z') });
    fc.assert(
      fc.property(
        time,
        fc.integer({ min: 1, max: 90 * 86_400_000 }),
        fc.constantFrom(...GRANULARITIES),
        (from, span, g) => {
          const plan = planBuckets(from, from + span, g);
          if (!plan.ok) return;
          const [first, last] = [plan.buckets[0], plan.buckets[plan.buckets.length - 1]];
          expect(ms(first.start)).toBeLessThanOrEqual(from);
          expect(ms(first.end)).toBeGreaterThan(from);
          expect(ms(last.start)).toBeLessThan(from + span);
          expect(ms(last.end)).toBeGreaterThanOrEqual(from + span);
          plan.buckets.forEach((bucket, i) => {
            if (i > 0) expect(bucket.start).toBe(plan.buckets[i - 1].end);
            expect(bucketStartOf(ms(bucket.start), g)).toBe(bucket.key);
            expect(ms(bucket.end)).toBe(nextBucketStart(bucket.key, g));
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
