import { ABSENT, exampleEvent, exampleEventWith } from '../../testing/example-events';
import { refusalsOf } from '../../testing/validation-results';
import { validateCloudEvent } from '../../validation';
import { ORDER_CANCELLED_V1, OrderCancelledV1 } from './order-cancelled.v1';

describe('opsline.order.cancelled.v1', () => {
  it('accepts a cancellation with a reason and hands back OrderCancelledV1', () => {
    const result = validateCloudEvent(exampleEvent(ORDER_CANCELLED_V1));

    expect(result.ok && result.event.data).toBeInstanceOf(OrderCancelledV1);
  });

  it.each([
    ['a missing orderId', 'data.orderId', ABSENT, 'isDefined'],
    ['a malformed orderId', 'data.orderId', 'ORD#1', 'isOpslineId'],
    ['a missing reason', 'data.reason', ABSENT, 'isDefined'],
    ['an empty reason', 'data.reason', '', 'isNotEmpty'],
    ['a reason that is not text', 'data.reason', 42, 'isString'],
    ['a reason over 500 characters', 'data.reason', 'x'.repeat(501), 'maxLength'],
    [
      'a reason with U+0000 (PostgreSQL cannot store it)',
      'data.reason',
      'customer\u0000request',
      'isStorableText',
    ],
    ['a reason with an unpaired surrogate', 'data.reason', 'parcel \uD83D', 'isStorableText'],
    ['an unknown field', 'data.cancelledAt', '2026-11-20T10:00:00.000Z', 'whitelist'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    expect(refusalsOf(validateCloudEvent(exampleEventWith(ORDER_CANCELLED_V1, { [field]: value })))).toEqual([
      { field, rule },
    ]);
  });
});
