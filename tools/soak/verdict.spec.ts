import { judgeSeries, Point, rollingFloor, slopePerMinute } from './verdict';

const line = (slope: number, intercept: number, minutes: number[]): Point[] =>
  minutes.map((m) => ({ minutes: m, value: intercept + slope * m }));

describe('slopePerMinute', () => {
  it('recovers the slope of a straight line', () => {
    expect(slopePerMinute(line(2.5, 100, [0, 1, 2, 3, 4]))).toBeCloseTo(2.5, 10);
    expect(slopePerMinute(line(-1, 7, [0.5, 1.5, 4]))).toBeCloseTo(-1, 10);
  });

  it('is the least-squares fit, so one noisy sample moves it only a little', () => {
    const points = line(0, 50, [1, 2, 3, 4, 5]).map((p, i) => (i === 2 ? { ...p, value: 60 } : p));
    // The outlier sits at the mean time, so it lifts the line without tilting it.
    expect(slopePerMinute(points)).toBeCloseTo(0, 10);
  });

  it('has no slope for fewer than two samples or a single instant', () => {
    expect(slopePerMinute([])).toBeNull();
    expect(slopePerMinute([{ minutes: 1, value: 3 }])).toBeNull();
    expect(
      slopePerMinute([
        { minutes: 2, value: 1 },
        { minutes: 2, value: 5 },
      ]),
    ).toBeNull();
  });
});

describe('judgeSeries', () => {
  const minutes = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4];

  it('ignores the warm-up half: a steep start followed by a plateau is flat', () => {
    const points = minutes.map((m) => ({ minutes: m, value: m < 2 ? 100 * m : 200 }));
    const verdict = judgeSeries('orders heap', 'MiB', points, 4, 1);
    expect(verdict.slope).toBeCloseTo(0, 10);
    expect(verdict.flat).toBe(true);
  });

  it('is not flat when the second half grows at the limit or faster', () => {
    expect(judgeSeries('heap', 'MiB', line(1, 80, minutes), 4, 1).flat).toBe(false);
    expect(judgeSeries('heap', 'MiB', line(0.9, 80, minutes), 4, 1).flat).toBe(true);
  });

  it('shrinking is flat', () => {
    expect(judgeSeries('lag', 'messages', line(-500, 10_000, minutes), 4, 100).flat).toBe(true);
  });

  it('is not flat when the second half has too few samples to show anything', () => {
    const verdict = judgeSeries('heap', 'MiB', line(0, 80, [0.5, 1, 2.5, 3.5]), 4, 1);
    expect(verdict.slope).toBeNull();
    expect(verdict.flat).toBe(false);
  });
});

describe('rollingFloor', () => {
  it('follows the low points of a sawtooth, so a flat sawtooth has a flat floor', () => {
    const saw = [80, 120, 70, 110, 75, 118, 72, 115, 78, 121].map((value, i) => ({ minutes: i / 4, value }));
    const floor = rollingFloor(saw, 4);
    expect(floor.map((p) => p.value)).toEqual([80, 80, 70, 70, 70, 70, 72, 72, 72, 72]);
    expect(Math.abs(slopePerMinute(floor.slice(4)) as number)).toBeLessThan(2);
  });

  it('rises with a floor that rises (a leak)', () => {
    const leaking = Array.from({ length: 20 }, (_, i) => ({
      minutes: i / 4,
      value: 80 + 3 * (i / 4) + (i % 2 === 0 ? 0 : 40),
    }));
    expect(slopePerMinute(rollingFloor(leaking, 4).slice(10))).toBeCloseTo(3, 0);
  });
});
