import { average, emptyCounts, metricsFromCounts, percentileCont, ratio } from './kpi-metrics';

describe('percentileCont (PostgreSQL percentile_cont)', () => {
  it('interpolates linearly between the values around fraction × (n − 1)', () => {
    expect(percentileCont([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentileCont([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12);
    expect(percentileCont([10, 20], 0.9)).toBeCloseTo(19, 12);
    expect(percentileCont([1, 2, 3], 0.5)).toBe(2);
  });

  it('is the only value for one value and null for none', () => {
    expect(percentileCont([7.25], 0.9)).toBe(7.25);
    expect(percentileCont([], 0.5)).toBeNull();
  });
});

describe('metric arithmetic', () => {
  it('answers null for a zero denominator and the quotient otherwise', () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(3, 4)).toBe(0.75);
    expect(average([])).toBeNull();
    expect(average([1, 2])).toBe(1.5);
  });

  it('gives zero counts and null rates for an empty bucket, inventoryAccuracy null when counts do not apply', () => {
    const metrics = metricsFromCounts(emptyCounts(), { cycleCounts: true });
    expect(metrics).toMatchObject({
      ordersPlaced: 0,
      unitsShipped: 0,
      cancellationRate: null,
      returnRate: null,
    });
    expect(metrics.orderCycleTimeHours).toEqual({ avg: null, p50: null, p90: null });
    const counted = { ...emptyCounts(), cycleCounts: 2, cycleCountsAccurate: 1 };
    expect(metricsFromCounts(counted, { cycleCounts: true }).inventoryAccuracy).toBe(0.5);
    expect(metricsFromCounts(counted, { cycleCounts: false }).inventoryAccuracy).toBeNull();
  });
});
