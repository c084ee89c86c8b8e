/** One measurement of one series (a service's heap, the total lag, …) at `minutes` since the soak began. */
export interface Point {
  readonly minutes: number;
  readonly value: number;
}

/** Least-squares slope of `value` over `minutes` (units per minute); null with fewer than two distinct times. */
export function slopePerMinute(points: readonly Point[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const meanX = points.reduce((s, p) => s + p.minutes, 0) / n;
  const meanY = points.reduce((s, p) => s + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.minutes - meanX) ** 2;
    sxy += (p.minutes - meanX) * (p.value - meanY);
  }
  return sxx === 0 ? null : sxy / sxx;
}

/** A series judged: flat when its second-half slope stays under `limit` (same unit, per minute). */
export interface SeriesVerdict {
  readonly name: string;
  readonly unit: string;
  readonly slope: number | null;
  readonly limit: number;
  readonly flat: boolean;
}

/** The fewest second-half samples a slope is computed from; fewer means the run was too short to judge. */
export const MIN_SAMPLES = 3;

/**
 * Judges a series on the samples from the second half of the run (the first half is warm-up: JIT,
 * pools, caches, consumer groups joining). A growth of at least `limit` per minute is not flat; a
 * series with too few samples is not flat either, since nothing was shown.
 */
export function judgeSeries(
  name: string,
  unit: string,
  points: readonly Point[],
  totalMinutes: number,
  limit: number,
): SeriesVerdict {
  const secondHalf = points.filter((p) => p.minutes >= totalMinutes / 2);
  const slope = secondHalf.length >= MIN_SAMPLES ? slopePerMinute(secondHalf) : null;
  return { name, unit, slope, limit, flat: slope !== null && slope < limit };
}

/**
 * The floor of a sawtooth: each point becomes the minimum of itself and the `window - 1` points
 * before it. Heap used rises between garbage collections and drops at each; what survives the
 * collections (a leak) is the floor, so heap and RSS are judged on it rather than on where in
 * the sawtooth a scrape happened to land.
 */
export function rollingFloor(points: readonly Point[], window: number): Point[] {
  return points.map((p, i) => ({
    minutes: p.minutes,
    value: Math.min(...points.slice(Math.max(0, i - window + 1), i + 1).map((q) => q.value)),
  }));
}
