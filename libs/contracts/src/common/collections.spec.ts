import { findDuplicateLineId } from './collections';

describe('findDuplicateLineId', () => {
  it('finds the first lineId used twice, with both positions', () => {
    const lines = [{ lineId: 'a' }, { lineId: 'b' }, { lineId: 'c' }, { lineId: 'b' }, { lineId: 'a' }];

    expect(findDuplicateLineId(lines)).toEqual({ lineId: 'b', first: 1, second: 3 });
  });

  it('finds none when every lineId differs', () => {
    expect(findDuplicateLineId([{ lineId: '1' }, { lineId: '2' }])).toBeUndefined();
  });

  it('leaves missing or malformed lineIds and non-arrays to the other rules', () => {
    expect(findDuplicateLineId([{}, {}, null, 5, { lineId: 7 }, { lineId: 7 }])).toBeUndefined();
    expect(findDuplicateLineId('not lines')).toBeUndefined();
  });
});
