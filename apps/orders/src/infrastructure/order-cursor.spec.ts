import { decodeOrderCursor, encodeOrderCursor } from './order-cursor';

describe('order list cursor', () => {
  it('round-trips the sort key of the last order of a page', () => {
    const cursor = { placedAt: '2026-11-20T10:00:00.000Z', orderId: 'ORD-1001' };
    expect(decodeOrderCursor(encodeOrderCursor(cursor))).toEqual(cursor);
  });

  it.each([
    'not-base64-json',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('["x","ORD-1"]').toString('base64url'),
  ])('refuses a cursor it did not make (%s) naming the cursor field', (text) => {
    expect(() => decodeOrderCursor(text)).toThrow(
      expect.objectContaining({
        code: 'REQUEST.INVALID_CURSOR',
        fields: [expect.objectContaining({ field: 'cursor' })],
      }),
    );
  });
});
