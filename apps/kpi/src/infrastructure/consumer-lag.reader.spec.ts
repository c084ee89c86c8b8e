import { lagOfTopic } from './consumer-lag.reader';

describe('lagOfTopic', () => {
  it('sums high-water mark minus committed offset over partitions, counting uncommitted ones whole', () => {
    expect(
      lagOfTopic(
        [
          { partition: 0, high: '10' },
          { partition: 1, high: '5' },
          { partition: 2, high: '7' },
        ],
        [
          { partition: 0, offset: '10' },
          { partition: 1, offset: '-1' },
        ],
      ),
    ).toBe(0 + 5 + 7);
  });
});
