import { InvalidRequestError } from '@opsline/platform';

/** Where a page of orders ends: the list is ordered by placement time, then order id. */
export interface OrderCursor {
  readonly placedAt: string;
  readonly orderId: string;
}

/** Opaque to clients: base64url of the last item's sort key. */
export function encodeOrderCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify([cursor.placedAt, cursor.orderId])).toString('base64url');
}

export function decodeOrderCursor(text: string): OrderCursor {
  try {
    const [placedAt, orderId] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof placedAt === 'string' && !Number.isNaN(Date.parse(placedAt)) && typeof orderId === 'string') {
      return { placedAt, orderId };
    }
  } catch {
    // Falls through to the error below: a cursor not made by this API.
  }
  throw new InvalidRequestError('REQUEST.INVALID_CURSOR', 'cursor is not one this API returned', {
    fields: [{ field: 'cursor', rule: 'cursor', message: 'cursor must be a value returned as nextCursor' }],
  });
}
