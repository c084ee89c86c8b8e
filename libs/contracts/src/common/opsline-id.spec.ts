import { isOpslineId } from './opsline-id';

describe('opsline ids', () => {
  it.each(['ORD-1001', 'RMA-77', 'WH-1', 'SKU-42', 'a', 'WH-1:SKU-42', 'order_1.2', 'x'.repeat(64)])(
    'accepts %s',
    (id) => {
      expect(isOpslineId(id)).toBe(true);
    },
  );

  it.each([
    ['an empty string', ''],
    ['65 characters', 'x'.repeat(65)],
    ['a space', 'ORD 1'],
    ['a slash', 'ORD/1'],
    ['a non-ASCII letter', 'ORD-Ä'],
    ['a trailing newline', 'ORD-1\n'],
    ['a number', 1001],
    ['null', null],
  ])('refuses %s', (_behaviour, id) => {
    expect(isOpslineId(id)).toBe(false);
  });
});
