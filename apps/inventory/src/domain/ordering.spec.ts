import { compareBusinessTimes, compareIds, earlierBusinessTime, laterBusinessTime } from './ordering';

describe('compareIds', () => {
  it('orders ids by plain character codes, so WH-10 comes before WH-2', () => {
    expect(['WH-2', 'WH-10', 'WH-1'].sort(compareIds)).toEqual(['WH-1', 'WH-10', 'WH-2']);
  });

  it('puts upper case before lower case and digits before letters, whatever the locale', () => {
    expect(['wh-1', 'WH-1', '1-WH', 'WH.1', 'WH:1'].sort(compareIds)).toEqual([
      '1-WH',
      'WH-1',
      'WH.1',
      'WH:1',
      'wh-1',
    ]);
  });

  it('treats only identical ids as equal', () => {
    expect(compareIds('SKU-1', 'SKU-1')).toBe(0);
  });
});

describe('compareBusinessTimes', () => {
  it('compares instants, not spellings', () => {
    expect(compareBusinessTimes('2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z')).toBe(0);
    expect(compareBusinessTimes('2026-11-20T09:59:59.999Z', '2026-11-20T10:00:00.000Z')).toBe(-1);
  });

  it('rejects a time that is not ISO-8601', () => {
    expect(() => compareBusinessTimes('yesterday', '2026-11-20T10:00:00.000Z')).toThrow(RangeError);
  });

  it('picks the later of two times', () => {
    expect(laterBusinessTime('2026-11-20T10:00:00.000Z', '2026-11-21T10:00:00.000Z')).toBe(
      '2026-11-21T10:00:00.000Z',
    );
  });

  it('picks the earlier of two times, the first one on a tie of instants', () => {
    expect(earlierBusinessTime('2026-11-21T10:00:00.000Z', '2026-11-20T10:00:00.000Z')).toBe(
      '2026-11-20T10:00:00.000Z',
    );
    expect(earlierBusinessTime('2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000Z')).toBe(
      '2026-11-20T10:00:00Z',
    );
  });
});
