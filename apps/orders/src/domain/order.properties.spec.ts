import fc from 'fast-check';

import {
  CancellationRequest,
  cancelOrder,
  OrderCommandResult,
  recordAllocation,
  recordShipment,
} from './order';
import { at } from './order.fixtures';
import { isAllowedTransition, statusOf } from './order-lifecycle';
import { OrderPlacement } from './order-placement';
import {
  cancelledByLine,
  instant,
  Order,
  OrderAllocation,
  orderFromPlacement,
  OrderShipment,
  shippedByLine,
} from './order-state';

/**
 * What "the same final state whatever the arrival order" means here: every field of the order
 * except `history` (which records arrival order on purpose) is equal. It holds for fact sets a
 * real warehouse and inventory can produce, where business times are distinct:
 * - the shipments never add up to more than ordered: an over-shipment is bad data, and which
 *   confirmation gets refused for it can only depend on arrival;
 * - allocation attempts never take reservations back (inventory releases only on shipment or
 *   cancellation), so a later attempt never reserves less than an earlier one.
 * Refusals themselves are allowed to differ: a cancellation after full shipment is refused, or
 * recorded and voided by the late shipment. Either way the end is equal. Shipments are facts and
 * always recorded, whatever their business time against the cancellation.
 * For any facts at all, the safety invariants hold after every step.
 */

type Fact =
  | { readonly kind: 'allocation'; readonly allocation: OrderAllocation }
  | { readonly kind: 'shipment'; readonly shipment: OrderShipment }
  | { readonly kind: 'cancellation'; readonly request: CancellationRequest };

function businessTime(fact: Fact): string {
  if (fact.kind === 'allocation') return fact.allocation.allocatedAt;
  return fact.kind === 'shipment' ? fact.shipment.shippedAt : fact.request.cancelledAt;
}

function apply(order: Order, fact: Fact): OrderCommandResult {
  if (fact.kind === 'allocation') return recordAllocation(order, fact.allocation);
  if (fact.kind === 'shipment') return recordShipment(order, fact.shipment);
  return cancelOrder(order, fact.request);
}

function applyAll(placement: OrderPlacement, facts: readonly Fact[]): Order {
  return facts.reduce((order, fact) => {
    const result = apply(order, fact);
    return result.ok ? result.order : order;
  }, orderFromPlacement(placement));
}

function inBusinessTimeOrder(facts: readonly Fact[]): Fact[] {
  return [...facts].sort((a, b) => instant(businessTime(a)) - instant(businessTime(b)));
}

function withoutHistory({ history: _history, ...state }: Order): Omit<Order, 'history'> {
  return state;
}

/** 1..4 lines L1.. of SKU-1.., 1..5 units each. */
const placementArb: fc.Arbitrary<OrderPlacement> = fc
  .array(fc.record({ quantity: fc.integer({ min: 1, max: 5 }), unitPriceMinor: fc.nat({ max: 10_000 }) }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((lines) => ({
    orderId: 'ORD-P',
    channel: 'webshop',
    currency: 'EUR',
    placedAt: at(0),
    promisedShipBy: at(600),
    lines: lines.map((line, i) => ({ lineId: `L${i + 1}`, sku: `SKU-${i + 1}`, ...line })),
  }));

interface Scenario {
  readonly placement: OrderPlacement;
  readonly facts: readonly Fact[];
}

/**
 * A consistent fact set: each line's shipped units are dealt over up to 4 shipments (never more
 * than ordered), up to 2 cancellations, up to 3 allocation attempts with growing reservations,
 * all at distinct business times.
 */
const consistentScenarioArb: fc.Arbitrary<Scenario> = placementArb.chain((placement) =>
  fc
    .record({
      shipments: fc.integer({ min: 0, max: 4 }),
      cancellations: fc.constantFrom(0, 0, 1, 1, 2),
      attempts: fc.integer({ min: 0, max: 3 }),
    })
    .chain((counts) =>
      fc.record({
        placement: fc.constant(placement),
        // Half the time a line ships in full, so completed and voided-cancellation cases are common.
        dealt: fc.tuple(
          ...placement.lines.map((line) => {
            const shipment = fc.nat({ max: Math.max(counts.shipments - 1, 0) });
            const units = counts.shipments === 0 ? 0 : line.quantity;
            return fc.oneof(
              fc.array(shipment, { minLength: units, maxLength: units }),
              fc.array(shipment, { maxLength: units }),
            );
          }),
        ),
        reservations: fc.tuple(
          ...placement.lines.map((line) =>
            fc
              .array(fc.integer({ min: 0, max: line.quantity }), {
                minLength: counts.attempts,
                maxLength: counts.attempts,
              })
              .map((reserved) => [...reserved].sort((a, b) => a - b)),
          ),
        ),
        times: fc.uniqueArray(fc.integer({ min: -30, max: 3_000 }), {
          minLength: counts.shipments + counts.cancellations + counts.attempts,
          maxLength: counts.shipments + counts.cancellations + counts.attempts,
        }),
        reasons: fc.array(fc.constantFrom('customer request', 'fraud', 'duplicate order'), {
          minLength: counts.cancellations,
          maxLength: counts.cancellations,
        }),
        counts: fc.constant(counts),
      }),
    )
    .map(({ placement: p, dealt, reservations, times, reasons, counts }) => {
      const shipmentTimes = times.slice(0, counts.shipments);
      const cancellationTimes = times.slice(counts.shipments, counts.shipments + counts.cancellations);
      // Later attempts happen later, so attempt numbers follow business time.
      const attemptTimes = times.slice(counts.shipments + counts.cancellations).sort((a, b) => a - b);
      const shipments: Fact[] = shipmentTimes.flatMap((minutes, s) => {
        const lines = p.lines
          .map((line, l) => ({
            lineId: line.lineId,
            sku: line.sku,
            quantity: dealt[l].filter((d) => d === s).length,
          }))
          .filter((line) => line.quantity > 0);
        const shipment = { shipmentId: `S${s + 1}`, warehouseId: 'WH-1', shippedAt: at(minutes), lines };
        return lines.length === 0 ? [] : [{ kind: 'shipment' as const, shipment }];
      });
      const cancellations: Fact[] = cancellationTimes.map((minutes, c) => ({
        kind: 'cancellation',
        request: { cancelledAt: at(minutes), reason: reasons[c] },
      }));
      const allocations: Fact[] = attemptTimes.map((minutes, a) => ({
        kind: 'allocation',
        allocation: {
          attempt: a + 1,
          allocatedAt: at(minutes),
          warehouseId: 'WH-1',
          lines: p.lines.map((line, l) => ({ lineId: line.lineId, reservedQuantity: reservations[l][a] })),
        },
      }));
      return { placement: p, facts: [...shipments, ...cancellations, ...allocations] };
    }),
);

/** Any facts at all: over-shipments, unknown lines, conflicting ids, shrinking reservations, ties. */
const anyScenarioArb: fc.Arbitrary<Scenario> = placementArb.chain((placement) => {
  const lineArb = fc.record({
    line: fc.integer({ min: 1, max: placement.lines.length + 1 }),
    wrongSku: fc.boolean(),
    quantity: fc.integer({ min: 0, max: 6 }),
  });
  const timeArb = fc.integer({ min: -30, max: 200 });
  const shipmentArb = fc
    .record({
      id: fc.integer({ min: 1, max: 5 }),
      minutes: timeArb,
      lines: fc.array(lineArb, { maxLength: 3 }),
    })
    .map(({ id, minutes, lines }): Fact => ({
      kind: 'shipment',
      shipment: {
        shipmentId: `S${id}`,
        warehouseId: 'WH-1',
        shippedAt: at(minutes),
        lines: lines.map((l) => ({
          lineId: `L${l.line}`,
          sku: l.wrongSku && l.line === 1 ? 'SKU-X' : `SKU-${l.line}`,
          quantity: l.quantity,
        })),
      },
    }));
  const cancellationArb = fc
    .record({ minutes: timeArb, reason: fc.constantFrom('customer request', 'fraud') })
    .map(({ minutes, reason }): Fact => ({
      kind: 'cancellation',
      request: { cancelledAt: at(minutes), reason },
    }));
  const allocationArb = fc
    .record({
      attempt: fc.integer({ min: 1, max: 3 }),
      minutes: timeArb,
      reserved: fc.array(fc.integer({ min: 0, max: 6 }), {
        minLength: placement.lines.length,
        maxLength: placement.lines.length,
      }),
    })
    .map(({ attempt, minutes, reserved }): Fact => ({
      kind: 'allocation',
      allocation: {
        attempt,
        allocatedAt: at(minutes),
        warehouseId: 'WH-1',
        lines: reserved.map((reservedQuantity, i) => ({ lineId: `L${i + 1}`, reservedQuantity })),
      },
    }));
  return fc.record({
    placement: fc.constant(placement),
    facts: fc.array(fc.oneof(shipmentArb, shipmentArb, cancellationArb, allocationArb), { maxLength: 12 }),
  });
});

/** The facts in a random arrival order, some of them delivered twice. */
function arrivalsOf(facts: readonly Fact[]): fc.Arbitrary<Fact[]> {
  return fc.subarray([...facts]).chain((redelivered) =>
    fc.shuffledSubarray([...facts, ...redelivered], {
      minLength: facts.length + redelivered.length,
      maxLength: facts.length + redelivered.length,
    }),
  );
}

const withArrivals = (scenario: fc.Arbitrary<Scenario>) =>
  scenario.chain((s) => fc.record({ scenario: fc.constant(s), arrivals: arrivalsOf(s.facts) }));

/** The outcome issue 4 describes, computed directly from the facts rather than step by step. */
function expectedOutcome({ placement, facts }: Scenario) {
  const shipments = facts.flatMap((f) => (f.kind === 'shipment' ? [f.shipment] : []));
  const cancellations = facts.flatMap((f) => (f.kind === 'cancellation' ? [f.request] : []));
  const earliest = [...cancellations].sort((a, b) => instant(a.cancelledAt) - instant(b.cancelledAt))[0];
  // Shipments are never voided: every one counts, before or after the cancellation.
  const kept = shipments;
  const shipped = new Map(placement.lines.map((line) => [line.lineId, 0]));
  for (const line of kept.flatMap((s) => s.lines))
    shipped.set(line.lineId, (shipped.get(line.lineId) ?? 0) + line.quantity);
  const rest = placement.lines.map((line) => ({
    lineId: line.lineId,
    quantity: line.quantity - (shipped.get(line.lineId) ?? 0),
  }));
  const cancelled = earliest !== undefined && rest.some((line) => line.quantity > 0);
  return {
    shipmentIds: kept.map((s) => s.shipmentId).sort(),
    cancellation: cancelled ? { ...earliest, unitsCancelled: rest } : null,
    shippedEverything: rest.every((line) => line.quantity === 0),
  };
}

describe('order aggregate properties', () => {
  it('reaches the same final state whatever the arrival order and redeliveries of consistent facts', () => {
    fc.assert(
      fc.property(withArrivals(consistentScenarioArb), ({ scenario, arrivals }) => {
        const inOrder = applyAll(scenario.placement, inBusinessTimeOrder(scenario.facts));
        const asArrived = applyAll(scenario.placement, arrivals);

        expect(withoutHistory(asArrived)).toEqual(withoutHistory(inOrder));
      }),
      { numRuns: 500 },
    );
  });

  it('ends as issue 4 says: earliest cancellation wins, every shipment counts, the cancellation covers the rest', () => {
    fc.assert(
      fc.property(withArrivals(consistentScenarioArb), ({ scenario, arrivals }) => {
        const order = applyAll(scenario.placement, arrivals);
        const expected = expectedOutcome(scenario);

        expect(order.shipments.map((s) => s.shipmentId).sort()).toEqual(expected.shipmentIds);
        expect(order.cancellation).toEqual(expected.cancellation);
        if (expected.cancellation !== null) expect(order.status).toBe('CANCELLED');
        else if (expected.shippedEverything) expect(order.status).toBe('SHIPPED');
        const attempts = scenario.facts.flatMap((f) => (f.kind === 'allocation' ? [f.allocation] : []));
        expect(order.firstAllocation?.attempt).toBe(attempts.length > 0 ? 1 : undefined);
        expect(order.latestAllocation?.attempt).toBe(attempts.length > 0 ? attempts.length : undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every invariant after every step, whatever the facts', () => {
    fc.assert(
      fc.property(withArrivals(fc.oneof(anyScenarioArb, consistentScenarioArb)), ({ scenario, arrivals }) => {
        let order = orderFromPlacement(scenario.placement);
        for (const fact of arrivals) {
          const result = apply(order, fact);
          if (!result.ok) continue;
          expectEventsDescribe(result, order);
          expectFirstAllocationKept(order, result.order);
          expectShipmentsKept(order, result.order);
          order = result.order;
          expectInvariants(order);
        }
      }),
      { numRuns: 500 },
    );
  });
});

function expectInvariants(order: Order): void {
  const shipped = shippedByLine(order);
  const cancelled = cancelledByLine(order);
  for (const line of order.facts.lines) {
    const units = shipped.get(line.lineId) ?? 0;
    // Shipped units never exceed ordered units; shipped + cancelled never exceed them either.
    expect(units).toBeLessThanOrEqual(line.quantity);
    expect(units + (cancelled.get(line.lineId) ?? 0)).toBeLessThanOrEqual(line.quantity);
  }
  const everyUnitShipped = order.facts.lines.every((line) => shipped.get(line.lineId) === line.quantity);
  const everyLiveUnitShipped = order.facts.lines.every(
    (line) => (shipped.get(line.lineId) ?? 0) + (cancelled.get(line.lineId) ?? 0) === line.quantity,
  );
  // SHIPPED iff every non-cancelled unit shipped, for an order that is not cancelled; a cancelled
  // order is CANCELLED (contract §4) and its cancellation covers exactly the units not shipped.
  expect(order.status === 'SHIPPED').toBe(order.cancellation === null && everyUnitShipped);
  if (order.cancellation !== null) {
    expect(everyLiveUnitShipped).toBe(true);
    expect(order.cancellation.unitsCancelled.some((line) => line.quantity > 0)).toBe(true);
  }
  expect(order.status).toBe(statusOf(order));
  const ids = order.shipments.map((s) => s.shipmentId);
  expect(new Set(ids).size).toBe(ids.length);
  const times = order.shipments.map((s) => instant(s.shippedAt));
  expect(times).toEqual([...times].sort((a, b) => a - b));
  order.history.forEach((transition, i) => {
    expect(isAllowedTransition(transition.from, transition.to)).toBe(true);
    expect(transition.from).toBe(i === 0 ? 'PLACED' : order.history[i - 1].to);
  });
  expect(order.history.at(-1)?.to ?? 'PLACED').toBe(order.status);
}

function expectEventsDescribe(result: OrderCommandResult & { ok: true }, before: Order): void {
  if (result.outcome === 'duplicate') {
    expect(result.events).toEqual([]);
    expect(result.order).toBe(before);
    return;
  }
  expect(result.events.length).toBeGreaterThan(0);
  for (const event of result.events) {
    expect(event.orderId).toBe(before.facts.orderId);
    expect(event.order.status).toBe(result.order.status);
  }
}

/** Shipments are facts: once recorded, never voided. */
function expectShipmentsKept(before: Order, after: Order): void {
  for (const shipment of before.shipments) expect(after.shipments).toContain(shipment);
}

function expectFirstAllocationKept(before: Order, after: Order): void {
  if (before.firstAllocation !== null) expect(after.firstAllocation).toBe(before.firstAllocation);
}
