/** Time buckets of the KPI read API: UTC, weeks start on Monday, months are calendar months. */

export const GRANULARITIES = ['hour', 'day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** More buckets than this in one answer is refused (400 naming `granularity`). */
export const MAX_BUCKETS = 10_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One bucket: its aligned UTC `start` (also `key`, in ms) and `end`. */
export interface Bucket {
  readonly key: number;
  readonly start: string;
  readonly end: string;
}

/** Start (ms) of the bucket of `granularity` that contains `ms`. */
export function bucketStartOf(ms: number, granularity: Granularity): number {
  switch (granularity) {
    case 'hour':
      return Math.floor(ms / HOUR_MS) * HOUR_MS;
    case 'day':
      return Math.floor(ms / DAY_MS) * DAY_MS;
    case 'week': {
      const day = Math.floor(ms / DAY_MS) * DAY_MS;
      const daysSinceMonday = (new Date(day).getUTCDay() + 6) % 7;
      return day - daysSinceMonday * DAY_MS;
    }
    case 'month': {
      const date = new Date(ms);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    }
  }
}

/** Start (ms) of the bucket after the one starting at `alignedStart`. */
export function nextBucketStart(alignedStart: number, granularity: Granularity): number {
  switch (granularity) {
    case 'hour':
      return alignedStart + HOUR_MS;
    case 'day':
      return alignedStart + DAY_MS;
    case 'week':
      return alignedStart + 7 * DAY_MS;
    case 'month': {
      const date = new Date(alignedStart);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    }
  }
}

export type BucketPlan =
  | { readonly ok: true; readonly buckets: readonly Bucket[] }
  | { readonly ok: false; readonly reason: 'EMPTY_RANGE' | 'TOO_MANY_BUCKETS' };

/**
 * Every bucket that overlaps [from, to), in order, with its aligned bounds (a range need not start
 * on a bucket boundary: the first bucket may start before `from`). Facts outside [from, to) never
 * count, so an edge bucket of an unaligned range holds only the part inside the range.
 */
export function planBuckets(fromMs: number, toMs: number, granularity: Granularity): BucketPlan {
  if (!(fromMs < toMs)) return { ok: false, reason: 'EMPTY_RANGE' };
  const buckets: Bucket[] = [];
  for (let key = bucketStartOf(fromMs, granularity); key < toMs; key = nextBucketStart(key, granularity)) {
    if (buckets.length === MAX_BUCKETS) return { ok: false, reason: 'TOO_MANY_BUCKETS' };
    buckets.push({
      key,
      start: new Date(key).toISOString(),
      end: new Date(nextBucketStart(key, granularity)).toISOString(),
    });
  }
  return { ok: true, buckets };
}
