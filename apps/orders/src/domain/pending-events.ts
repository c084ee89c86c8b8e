/**
 * The parking lot for events that refer to an order not seen yet. Topics are not ordered against
 * each other, so a shipment or an allocation can arrive before the order's placement: such an
 * event is parked, re-applied when the order arrives, and dead-lettered with a reason only after a
 * configurable wait. Pure decisions; storing parked events and sweeping them is the caller's job.
 */

/** The reason a parked event is dead-lettered with when its order never arrived in time. */
export const ORDER_UNKNOWN_AFTER_WAIT = 'ORDER.UNKNOWN_AFTER_WAIT';

/** How long an event waits for its order by default: long enough for a lagging topic to catch up. */
export const DEFAULT_MAX_PARKING_WAIT_MS = 15 * 60 * 1000;

/** What the policy needs to know about a parked event. */
export interface ParkedEventKey {
  /** The event's CloudEvents id; breaks ties so the re-application order is total. */
  readonly eventId: string;
  readonly orderId: string;
  /** The event's `time`: when it happened. */
  readonly businessTime: string;
  /** When opsline first received it (the wait is measured from here, not from `businessTime`). */
  readonly arrivedAt: string;
}

/** What to do with a parked event now. */
export type ParkingDecision =
  | { readonly action: 'reapply' }
  | { readonly action: 'keep-waiting'; readonly until: string }
  | {
      readonly action: 'dead-letter';
      readonly reason: typeof ORDER_UNKNOWN_AFTER_WAIT;
      readonly detail: string;
    };

/** The facts of one parking decision. */
export interface ParkingQuestion {
  readonly arrivedAt: string;
  readonly now: string;
  /** Whether the order the event refers to exists now. */
  readonly orderExists: boolean;
  /** Defaults to {@link DEFAULT_MAX_PARKING_WAIT_MS}; 0 dead-letters at once. */
  readonly maxWaitMs?: number;
}

/**
 * Decides a parked event's fate. An order that exists always wins, even past the deadline: the
 * event can be applied, so dead-lettering it would lose a fact. The deadline itself counts as
 * expired, so a sweeper woken exactly at `until` makes progress instead of waiting zero ms again.
 */
export function decideParkedEvent(question: ParkingQuestion): ParkingDecision {
  const maxWaitMs = question.maxWaitMs ?? DEFAULT_MAX_PARKING_WAIT_MS;
  // A wrong wait is a configuration bug, not an expected failure: fail loudly.
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0)
    throw new RangeError(`maxWaitMs must be ≥ 0, got ${maxWaitMs}`);
  if (question.orderExists) return { action: 'reapply' };
  const deadline = Date.parse(question.arrivedAt) + maxWaitMs;
  if (Date.parse(question.now) < deadline)
    return { action: 'keep-waiting', until: new Date(deadline).toISOString() };
  return {
    action: 'dead-letter',
    reason: ORDER_UNKNOWN_AFTER_WAIT,
    detail: `The order was still unknown ${maxWaitMs} ms after the event arrived at ${question.arrivedAt}`,
  };
}

/**
 * Order for re-applying parked events of one order: by business time, so the aggregate sees the
 * facts as they happened; then by arrival, then event id, so the order is the same on every run.
 */
export function compareForReapplication(a: ParkedEventKey, b: ParkedEventKey): number {
  return (
    Date.parse(a.businessTime) - Date.parse(b.businessTime) ||
    Date.parse(a.arrivedAt) - Date.parse(b.arrivedAt) ||
    (a.eventId === b.eventId ? 0 : a.eventId < b.eventId ? -1 : 1)
  );
}

/** A copy of the events sorted for re-application (see {@link compareForReapplication}). */
export function inReapplicationOrder<Event extends ParkedEventKey>(events: readonly Event[]): Event[] {
  return [...events].sort(compareForReapplication);
}

/** The parked events sorted into what to do with them now. */
export interface ParkingPlan<Event extends ParkedEventKey> {
  /** Events whose order exists, in re-application order. */
  readonly reapply: readonly Event[];
  readonly keepWaiting: readonly Event[];
  readonly deadLetter: readonly { readonly event: Event; readonly reason: string; readonly detail: string }[];
  /** The earliest time a waiting event's deadline passes; when to look again (null: nothing waits). */
  readonly nextCheckAt: string | null;
}

/** Plans a sweep over parked events: {@link decideParkedEvent} for each, re-applies in order. */
export function planParkedEvents<Event extends ParkedEventKey>(
  events: readonly Event[],
  context: {
    readonly now: string;
    readonly existingOrderIds: ReadonlySet<string>;
    readonly maxWaitMs?: number;
  },
): ParkingPlan<Event> {
  const reapply: Event[] = [];
  const keepWaiting: Event[] = [];
  const deadLetter: { event: Event; reason: string; detail: string }[] = [];
  let nextCheck: number | null = null;
  for (const event of events) {
    const decision = decideParkedEvent({
      arrivedAt: event.arrivedAt,
      now: context.now,
      orderExists: context.existingOrderIds.has(event.orderId),
      maxWaitMs: context.maxWaitMs,
    });
    if (decision.action === 'reapply') reapply.push(event);
    else if (decision.action === 'dead-letter')
      deadLetter.push({ event, reason: decision.reason, detail: decision.detail });
    else {
      keepWaiting.push(event);
      nextCheck = Math.min(nextCheck ?? Infinity, Date.parse(decision.until));
    }
  }
  return {
    reapply: inReapplicationOrder(reapply),
    keepWaiting,
    deadLetter,
    nextCheckAt: nextCheck === null ? null : new Date(nextCheck).toISOString(),
  };
}
