import { InvalidRequestError } from '@opsline/platform';

/** Where a page of returns ends: the list is ordered by request time, then return id. */
export interface ReturnCursor {
  readonly requestedAt: string;
  readonly returnId: string;
}

/** Opaque to clients: base64url of the last item's sort key. */
export function encodeReturnCursor(cursor: ReturnCursor): string {
  return Buffer.from(JSON.stringify([cursor.requestedAt, cursor.returnId])).toString('base64url');
}

export function decodeReturnCursor(text: string): ReturnCursor {
  try {
    const [requestedAt, returnId] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof requestedAt === 'string' &&
      !Number.isNaN(Date.parse(requestedAt)) &&
      typeof returnId === 'string'
    ) {
      return { requestedAt, returnId };
    }
  } catch {
    // Falls through to the error below: a cursor not made by this API.
  }
  throw new InvalidRequestError('REQUEST.INVALID_CURSOR', 'cursor is not one this API returned', {
    fields: [{ field: 'cursor', rule: 'cursor', message: 'cursor must be a value returned as nextCursor' }],
  });
}
