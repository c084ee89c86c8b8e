import fc from 'fast-check';
import { hasCaughtUp, remainingByTopic } from './rebuild-progress';

describe('rebuild progress', () => {
  const marks = { 'opsline.orders': { '0': 10, '1': 4 }, 'opsline.returns': { '0': 0 } };

  it('counts what is left per topic; nothing committed counts from offset 0', () => {
    expect(remainingByTopic(marks, {})).toEqual({ 'opsline.orders': 14, 'opsline.returns': 0 });
    expect(remainingByTopic(marks, { 'opsline.orders': { '0': -1, '1': 3 } })).toEqual({
      'opsline.orders': 11,
      'opsline.returns': 0,
    });
    expect(hasCaughtUp(marks, { 'opsline.orders': { '0': 9, '1': 4 } })).toBe(false);
  });

  it('has caught up at the marks and past them (a topic that moved on), not before', () => {
    expect(hasCaughtUp(marks, { 'opsline.orders': { '0': 10, '1': 4 } })).toBe(true);
    expect(hasCaughtUp(marks, { 'opsline.orders': { '0': 25, '1': 7 }, 'opsline.returns': { '0': 3 } })).toBe(
      true,
    );
    expect(hasCaughtUp({}, {})).toBe(true);
  });

  it('has caught up exactly when no partition is behind its mark', () => {
    const offsets = fc.dictionary(fc.constantFrom('0', '1', '2'), fc.integer({ min: -1, max: 50 }));
    fc.assert(
      fc.property(offsets, offsets, (mark, committed) => {
        const marksOf = { t: Object.fromEntries(Object.entries(mark).map(([p, o]) => [p, Math.max(0, o)])) };
        const behind = Object.entries(marksOf.t).some(([p, o]) => Math.max(0, committed[p] ?? 0) < o);
        expect(hasCaughtUp(marksOf, { t: committed })).toBe(!behind);
      }),
    );
  });
});
