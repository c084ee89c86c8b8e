import fc from 'fast-check';

import {
  decideParkedEvent,
  DEFAULT_MAX_PARKING_WAIT_MS,
  inReapplicationOrder,
  ORDER_UNKNOWN_AFTER_WAIT,
  ParkedEventKey,
  planParkedEvents,
} from './pending-events';

const arrivedAt = '2026-11-20T10:00:00.000Z';
const minutesAfterArrival = (minutes: number) =>
  new Date(Date.parse(arrivedAt) + minutes * 60_000).toISOString();

function parked(
  eventId: string,
  orderId: string,
  businessMinute: number,
  arrivalMinute: number,
): ParkedEventKey {
  return {
    eventId,
    orderId,
    businessTime: minutesAfterArrival(businessMinute),
    arrivedAt: minutesAfterArrival(arrivalMinute),
  };
}

describe('decideParkedEvent', () => {
  it('parks an event whose order is unknown, until the default 15 minutes after arrival', () => {
    expect(decideParkedEvent({ arrivedAt, now: arrivedAt, orderExists: false })).toEqual({
      action: 'keep-waiting',
      until: minutesAfterArrival(15),
    });
    expect(DEFAULT_MAX_PARKING_WAIT_MS).toBe(15 * 60_000);
  });

  it('re-applies the event once its order exists', () => {
    expect(decideParkedEvent({ arrivedAt, now: minutesAfterArrival(3), orderExists: true })).toEqual({
      action: 'reapply',
    });
  });

  it('re-applies rather than dead-letters when the order arrived but the sweep ran late', () => {
    expect(decideParkedEvent({ arrivedAt, now: minutesAfterArrival(60), orderExists: true }).action).toBe(
      'reapply',
    );
  });

  it('dead-letters with ORDER.UNKNOWN_AFTER_WAIT once the wait is over and the order is still unknown', () => {
    expect(decideParkedEvent({ arrivedAt, now: minutesAfterArrival(15), orderExists: false })).toEqual({
      action: 'dead-letter',
      reason: ORDER_UNKNOWN_AFTER_WAIT,
      detail: expect.stringContaining(arrivedAt),
    });
  });

  it('keeps waiting up to the last millisecond before the deadline', () => {
    const now = new Date(Date.parse(minutesAfterArrival(15)) - 1).toISOString();

    expect(decideParkedEvent({ arrivedAt, now, orderExists: false }).action).toBe('keep-waiting');
  });

  it('honours a configured wait', () => {
    const question = { arrivedAt, now: minutesAfterArrival(20), orderExists: false };

    expect(decideParkedEvent({ ...question, maxWaitMs: 30 * 60_000 }).action).toBe('keep-waiting');
    expect(decideParkedEvent({ ...question, maxWaitMs: 10 * 60_000 }).action).toBe('dead-letter');
  });

  it('dead-letters at once with a wait of zero', () => {
    expect(decideParkedEvent({ arrivedAt, now: arrivedAt, orderExists: false, maxWaitMs: 0 }).action).toBe(
      'dead-letter',
    );
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects a misconfigured wait of %s', (maxWaitMs) => {
    expect(() => decideParkedEvent({ arrivedAt, now: arrivedAt, orderExists: false, maxWaitMs })).toThrow(
      RangeError,
    );
  });
});

describe('inReapplicationOrder', () => {
  it('re-applies by business time, whatever the arrival order', () => {
    const events = [parked('e1', 'ORD-1', 30, 0), parked('e2', 'ORD-1', 10, 5), parked('e3', 'ORD-1', 20, 1)];

    expect(inReapplicationOrder(events).map((e) => e.eventId)).toEqual(['e2', 'e3', 'e1']);
  });

  it('breaks a business-time tie by arrival, then by event id', () => {
    const events = [parked('e3', 'ORD-1', 10, 2), parked('e2', 'ORD-1', 10, 1), parked('e1', 'ORD-1', 10, 2)];

    expect(inReapplicationOrder(events).map((e) => e.eventId)).toEqual(['e2', 'e1', 'e3']);
  });

  it('gives the same order for any permutation of the same events', () => {
    const eventArb = fc.record({
      eventId: fc.uuid(),
      businessMinute: fc.integer({ min: 0, max: 5 }),
      arrivalMinute: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(
        fc
          .uniqueArray(eventArb, { selector: (e) => e.eventId, maxLength: 8 })
          .map((events) => events.map((e) => parked(e.eventId, 'ORD-1', e.businessMinute, e.arrivalMinute)))
          .chain((events) =>
            fc.tuple(
              fc.constant(events),
              fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
            ),
          ),
        ([events, shuffled]) => {
          expect(inReapplicationOrder(shuffled)).toEqual(inReapplicationOrder(events));
        },
      ),
    );
  });
});

describe('planParkedEvents', () => {
  it('re-applies the events of orders that exist in order, keeps the rest waiting or dead-letters them', () => {
    const events = [
      parked('late-ship', 'ORD-1', 20, 0),
      parked('early-ship', 'ORD-1', 10, 1),
      parked('waiting', 'ORD-2', 5, 10),
      parked('expired', 'ORD-3', 5, 0),
    ];

    const plan = planParkedEvents(events, {
      now: minutesAfterArrival(16),
      existingOrderIds: new Set(['ORD-1']),
    });

    expect(plan.reapply.map((e) => e.eventId)).toEqual(['early-ship', 'late-ship']);
    expect(plan.keepWaiting.map((e) => e.eventId)).toEqual(['waiting']);
    expect(plan.deadLetter).toEqual([
      { event: events[3], reason: 'ORDER.UNKNOWN_AFTER_WAIT', detail: expect.any(String) },
    ]);
    expect(plan.nextCheckAt).toBe(minutesAfterArrival(25));
  });

  it('has no next check when nothing waits', () => {
    expect(planParkedEvents([], { now: arrivedAt, existingOrderIds: new Set() }).nextCheckAt).toBeNull();
  });
});
