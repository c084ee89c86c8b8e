import fc from 'fast-check';

import { compareLedgerEntries, CountEntry, ledgerEntryKey, StockLedgerEntry } from './stock-ledger';
import {
  computeStockPosition,
  latestMovementsAfter,
  onHandAfterLateCount,
  onHandAfterLaterMovements,
  onHandWithLateMovements,
  positionAfter,
  rejudgeAfterLateMovements,
} from './stock-position';
import { compareBusinessTimes } from './ordering';
import { adjustment, count, receipt, reservation, shipment, SKU, t, WH } from './stock-position.fixtures';

describe('bringing a position up to date without its whole ledger', () => {
  const minutes = fc.integer({ min: 0, max: 120 });
  const entry = fc.oneof(
    fc
      .record({ minute: minutes, quantity: fc.integer({ min: 1, max: 9 }), id: fc.nat() })
      .map(({ minute, quantity, id }) => receipt(t(minute), quantity, `R-${id}`)),
    fc
      .record({ minute: minutes, delta: fc.integer({ min: -5, max: 5 }).filter((d) => d !== 0) })
      .map(({ minute, delta }) => adjustment(t(minute), delta)),
    fc
      .record({ minute: minutes, counted: fc.integer({ min: 0, max: 20 }), id: fc.nat() })
      .map(({ minute, counted, id }) => count(t(minute), counted, `C-${id}`)),
    fc
      .record({
        minute: minutes,
        order: fc.integer({ min: 1, max: 20 }),
        quantity: fc.integer({ min: 1, max: 4 }),
      })
      .map(({ minute, order, quantity }) => reservation(t(minute), `O-${order}`, quantity)),
    fc
      .record({
        minute: minutes,
        order: fc.integer({ min: 1, max: 20 }),
        quantity: fc.integer({ min: 1, max: 4 }),
      })
      .map(({ minute, order, quantity }) =>
        shipment(t(minute), `O-${order}`, quantity, Math.min(quantity, 2)),
      ),
  );
  /** History and new entries with no key twice: the ledger's unique constraint guarantees that. */
  const ledgerWithNewEntries = fc
    .tuple(fc.array(entry, { maxLength: 30 }), fc.array(entry, { minLength: 1, maxLength: 4 }))
    .map(([history, added]) => {
      const view = computeStockPosition(WH, SKU, [...history, ...added]);
      const keys = new Set<string>();
      const keep = (e: StockLedgerEntry): boolean => {
        const key = view.explained.find((explained) => explained.entry === e)?.key ?? '';
        if (keys.has(key)) return false;
        keys.add(key);
        return true;
      };
      return { history: history.filter(keep), added: added.filter(keep) };
    });
  const latestCountAt = (entries: StockLedgerEntry[]): string | undefined =>
    entries
      .filter((e) => e.kind === 'count')
      .map((e) => e.at)
      .sort(compareBusinessTimes)
      .at(-1);

  const latestOf = (history: StockLedgerEntry[]) => {
    const times = (kinds: (e: StockLedgerEntry) => boolean) =>
      history
        .filter(kinds)
        .map((e) => e.at)
        .sort(compareBusinessTimes)
        .at(-1);
    return {
      countAt: times((e) => e.kind === 'count'),
      movementAt: times((e) => e.kind !== 'reservation' && e.kind !== 'release'),
    };
  };

  it('applies movements later than the latest count, or later than every movement, as the whole fold would', () => {
    let taken = 0;
    fc.assert(
      fc.property(ledgerWithNewEntries, ({ history, added }) => {
        const stored = computeStockPosition(WH, SKU, history).position;
        const after = onHandAfterLaterMovements(stored.onHand, added, latestOf(history));
        fc.pre(after !== undefined);
        taken += 1;
        const whole = computeStockPosition(WH, SKU, [...history, ...added]);
        expect(positionAfter(stored, added, after?.onHand ?? NaN)).toEqual(whole.position);
        const newCounts = new Set(added.filter((e) => e.kind === 'count').map((e) => ledgerEntryKey(e)));
        expect(after?.counts).toEqual(whole.counts.filter((c) => newCounts.has(`count:${c.countId}`)));
      }),
    );
    expect(taken).toBeGreaterThan(10);
  });

  it('keeps the latest count and movement times as entries arrive in any order', () => {
    fc.assert(
      fc.property(ledgerWithNewEntries, ({ history, added }) => {
        const none = { countAt: undefined, movementAt: undefined };
        const stepwise = latestMovementsAfter(latestMovementsAfter(none, history), added);
        const expected = latestOf([...history, ...added]);
        const asInstant = (at: string | undefined) => (at === undefined ? undefined : Date.parse(at));
        expect(asInstant(stepwise.countAt)).toBe(asInstant(expected.countAt));
        expect(asInstant(stepwise.movementAt)).toBe(asInstant(expected.movementAt));
      }),
    );
  });

  it('declines a movement at or before the latest count unless it is later than every movement', () => {
    const history = [receipt(t(0), 5), count(t(10), 4), receipt(t(12), 2)];
    const latest = latestOf(history);
    expect(onHandAfterLaterMovements(6, [receipt(t(11), 1)], latest)).toEqual({ onHand: 7, counts: [] });
    expect(onHandAfterLaterMovements(6, [receipt(t(11), 1), receipt(t(10), 1)], latest)).toBeUndefined();
    expect(onHandAfterLaterMovements(6, [receipt(t(9), 1)], latest)).toBeUndefined();
    expect(onHandAfterLaterMovements(6, [count(t(11), 7)], latest)).toBeUndefined();
    expect(onHandAfterLaterMovements(6, [count(t(20), 7), receipt(t(13), 1)], latest)).toEqual({
      onHand: 7,
      counts: [expect.objectContaining({ countId: `C-${t(20)}`, onHandAtCount: 7, countAccurate: true })],
    });
    expect(onHandAfterLaterMovements(0, [count(t(20), 7)], latestOf([]))).toMatchObject({ onHand: 7 });
  });

  it('moves on-hand by the movements after the latest count only, and re-judges counts between the counts around the late ones', () => {
    let taken = 0;
    fc.assert(
      fc.property(ledgerWithNewEntries, ({ history, added }) => {
        const stored = computeStockPosition(WH, SKU, history).position;
        const withLate = onHandWithLateMovements(stored.onHand, added, latestOf(history).countAt);
        fc.pre(withLate !== undefined && withLate.late.length > 0);
        taken += 1;
        const all = [...history, ...added];
        const whole = computeStockPosition(WH, SKU, all);
        expect(positionAfter(stored, added, withLate?.onHand ?? NaN)).toEqual(whole.position);
        // what StockLedgerRepository.ledgerBetweenCounts selects
        const times = (withLate?.late ?? []).map((e) => e.at).sort(compareBusinessTimes);
        const counts = all.filter((e) => e.kind === 'count');
        const from = latestCountAt(counts.filter((e) => compareBusinessTimes(e.at, times[0]) < 0));
        const to = counts
          .map((e) => e.at)
          .filter((at) => compareBusinessTimes(at, times[times.length - 1]) > 0)
          .sort(compareBusinessTimes)[0];
        const range = all.filter(
          (e) =>
            (from === undefined || compareBusinessTimes(e.at, from) >= 0) &&
            (to === undefined || compareBusinessTimes(e.at, to) <= 0),
        );
        const partial = computeStockPosition(WH, SKU, range);
        const judgedAfterFirstLate = (view: typeof whole) =>
          view.counts.filter(
            (c) =>
              compareBusinessTimes(c.at, times[0]) >= 0 &&
              (to === undefined || compareBusinessTimes(c.at, to) <= 0),
          );
        expect(judgedAfterFirstLate(partial)).toEqual(judgedAfterFirstLate(whole));
        // counts after the range are judged as before the late movements arrived
        const before = computeStockPosition(WH, SKU, history);
        const afterRange = (view: typeof whole) =>
          view.counts.filter((c) => to !== undefined && compareBusinessTimes(c.at, to) > 0);
        expect(afterRange(whole)).toEqual(afterRange(before));
      }),
      { numRuns: 300 },
    );
    expect(taken).toBeGreaterThan(10);
  });

  it('re-judges the count after each late movement from its stored judgement, as the whole fold would', () => {
    let taken = 0;
    fc.assert(
      fc.property(ledgerWithNewEntries, fc.nat({ max: 3 }), ({ history, added }, extra) => {
        const before = computeStockPosition(WH, SKU, history);
        const withLate = onHandWithLateMovements(before.position.onHand, added, latestOf(history).countAt);
        fc.pre(withLate !== undefined && withLate.late.length > 0);
        taken += 1;
        const earliest = withLate?.late.map((e) => e.at).sort(compareBusinessTimes)[0] ?? '';
        // what StockLedgerRepository.countsFrom reads: the first counts from the earliest late time on
        const following = before.counts
          .filter((c) => compareBusinessTimes(c.at, earliest) >= 0)
          .slice(0, 1 + extra)
          .map((c) => ({
            count: history.find((e) => e.kind === 'count' && e.countId === c.countId) as CountEntry,
            onHandAtCount: c.onHandAtCount,
          }));
        const complete =
          following.length === before.counts.filter((c) => compareBusinessTimes(c.at, earliest) >= 0).length;
        const rejudged = rejudgeAfterLateMovements(withLate?.late ?? [], following, complete);
        fc.pre(rejudged !== undefined);
        const whole = computeStockPosition(WH, SKU, [...history, ...added]);
        const judgedBefore = new Map(before.counts.map((c) => [c.countId, c.onHandAtCount]));
        const changed = whole.counts.filter((c) => judgedBefore.get(c.countId) !== c.onHandAtCount);
        expect(rejudged).toEqual(expect.arrayContaining(changed));
        expect(rejudged).toHaveLength(changed.length);
      }),
      { numRuns: 300 },
    );
    expect(taken).toBeGreaterThan(10);
  });

  it('moves on-hand by what a late count replaces, unless a later count replaces it anyway', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 30 }),
        fc.record({ minute: minutes, counted: fc.integer({ min: 0, max: 20 }) }),
        (history, { minute, counted }) => {
          const late = count(t(minute), counted, 'C-late');
          const before = computeStockPosition(WH, SKU, history);
          const whole = computeStockPosition(WH, SKU, [...history, late]);
          fc.pre(whole.explained.every((explained) => !explained.duplicate));
          const judged = whole.counts.find((c) => c.countId === 'C-late');
          const countedLater = whole.counts.some(
            (c) => compareLedgerEntries(late, { ...late, ...c, kind: 'count' }) < 0,
          );
          expect(judged && onHandAfterLateCount(before.position.onHand, judged, countedLater)).toBe(
            whole.position.onHand,
          );
        },
      ),
    );
  });

  it('gives up on a late movement whose next count it may not have read', () => {
    const late = [receipt(t(5), 2)];
    const first = { count: count(t(10), 4) as CountEntry, onHandAtCount: 3 };
    expect(rejudgeAfterLateMovements(late, [first], true)).toEqual([
      expect.objectContaining({ countId: `C-${t(10)}`, onHandAtCount: 5 }),
    ]);
    expect(rejudgeAfterLateMovements(late, [first], false)).toBeUndefined();
    expect(rejudgeAfterLateMovements(late, [], true)).toBeUndefined();
  });

  it('gets on-hand and every later count right from the latest count before the earliest new movement', () => {
    fc.assert(
      fc.property(ledgerWithNewEntries, ({ history, added }) => {
        const movements = added.filter((e) => e.kind !== 'reservation' && e.kind !== 'release');
        fc.pre(movements.length > 0);
        const all = [...history, ...added];
        const earliest = movements.map((e) => e.at).sort(compareBusinessTimes)[0];
        // what StockLedgerRepository.ledgerBetweenCounts selects without `to`
        const from = latestCountAt(all.filter((e) => compareBusinessTimes(e.at, earliest) < 0));
        const suffix = from === undefined ? all : all.filter((e) => compareBusinessTimes(e.at, from) >= 0);
        const whole = computeStockPosition(WH, SKU, all);
        const partial = computeStockPosition(WH, SKU, suffix);
        expect(partial.position.onHand).toBe(whole.position.onHand);
        const judgedAfter = (view: typeof whole) =>
          view.counts.filter((c) => compareBusinessTimes(c.at, earliest) >= 0);
        expect(judgedAfter(partial)).toEqual(judgedAfter(whole));
      }),
    );
  });
});
