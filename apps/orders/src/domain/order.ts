import { orderRefusal, OrderRefusal } from './order-errors';
import {
  OrderCancellationVoidedEvent,
  OrderDomainEvent,
  OrderEventType,
  orderView,
  OrderView,
} from './order-events';
import {
  byBusinessTime,
  checkNotAfterCancellation,
  checkNotOverShipped,
  checkShipmentLines,
  isSameShipment,
  normalizeAllocation,
} from './order-checks';
import { isAllowedTransition, statusOf } from './order-lifecycle';
import {
  instant,
  Order,
  OrderAllocation,
  OrderCancellation,
  OrderShipment,
  reservesEveryUnit,
  totalUnits,
  unshippedLines,
} from './order-state';

/** The command was applied (or was a repeat with no effect); persist `order`, publish `events`. */
export interface OrderAccepted {
  readonly ok: true;
  /**
   * `duplicate`: nothing new (the same fact again, a cancellation no earlier than the recorded one,
   * an allocation attempt older than the recorded ones); nothing changed, nothing to publish.
   */
  readonly outcome: 'applied' | 'duplicate';
  readonly order: Order;
  /** In the order to publish; each carries the order as it stands after the command. */
  readonly events: readonly OrderDomainEvent[];
}

/** The command was refused; the order is unchanged. */
export interface OrderRefused {
  readonly ok: false;
  readonly refusal: OrderRefusal;
}

/** What every order command returns; expected failures are values, never exceptions. */
export type OrderCommandResult = OrderAccepted | OrderRefused;

/** A cancellation request: from the channel's ingest event (its `time`) or the HTTP API (now). */
export interface CancellationRequest {
  readonly cancelledAt: string;
  readonly reason: string;
}

/**
 * Records an allocation attempt by inventory. The first attempt (attempt 1) is kept as the
 * first-attempt result whenever it arrives; the highest attempt decides ALLOCATED (every unit
 * reserved) or BACKORDERED. Once shipped or cancelled the status no longer depends on allocation,
 * but the first-attempt result is still recorded because the KPIs need it.
 */
export function recordAllocation(order: Order, allocation: OrderAllocation): OrderCommandResult {
  const normalized = normalizeAllocation(order, allocation);
  if ('code' in normalized) return { ok: false, refusal: normalized };
  const isFirstAttempt = normalized.attempt === 1 && order.firstAllocation === null;
  const isNewest = order.latestAllocation === null || normalized.attempt > order.latestAllocation.attempt;
  if (!isFirstAttempt && !isNewest) return duplicate(order);
  const type = reservesEveryUnit(order, normalized) ? 'order-allocated' : 'order-backordered';
  const change = {
    firstAllocation: isFirstAttempt ? normalized : order.firstAllocation,
    latestAllocation: isNewest ? normalized : order.latestAllocation,
  };
  return settle(order, change, normalized.allocatedAt, type, (view) => [
    {
      type,
      orderId: view.orderId,
      occurredAt: normalized.allocatedAt,
      order: view,
      allocation: normalized,
      firstAttempt: isFirstAttempt,
    },
  ]);
}

/**
 * Records a shipment confirmation; idempotent by shipment id. A shipment that happened (business
 * time) at or before the cancellation is accepted even when it arrives later: goods that left the
 * warehouse are shipped, and the cancellation shrinks to the units not shipped (and is void if
 * that is none). One that happened after the cancellation is refused.
 */
export function recordShipment(order: Order, shipment: OrderShipment): OrderCommandResult {
  const orderId = order.facts.orderId;
  const known = order.shipments.find((s) => s.shipmentId === shipment.shipmentId);
  if (known !== undefined) {
    if (isSameShipment(known, shipment)) return duplicate(order);
    const message = `Shipment "${shipment.shipmentId}" was recorded with other content`;
    return refused('ORDER.SHIPMENT_CONFLICT', orderId, message);
  }
  const shipments = [...order.shipments, shipment].sort(byBusinessTime);
  const refusal =
    checkShipmentLines(order, shipment) ??
    checkNotAfterCancellation(order, shipment) ??
    checkNotOverShipped(order, shipments);
  if (refusal !== null) return { ok: false, refusal };
  const { cancellation } = order;
  const stillCancelled = unshippedLines(order, shipments);
  const voidedCancellation = cancellation !== null && totalUnits(stillCancelled) === 0 ? cancellation : null;
  const change = {
    shipments,
    cancellation:
      cancellation === null || voidedCancellation !== null
        ? null
        : { ...cancellation, unitsCancelled: stillCancelled },
  };
  const at = shipment.shippedAt;
  const type = statusOf({ ...order, ...change }) === 'SHIPPED' ? 'order-shipped' : 'order-partially-shipped';
  return settle(order, change, at, type, (view) => [
    ...(voidedCancellation === null ? [] : [cancellationVoided(view, voidedCancellation, at)]),
    { type, orderId, occurredAt: at, order: view, shipment },
  ]);
}

/**
 * Cancels the order at a business time; units shipped by then stay shipped and the cancellation
 * covers the rest. Refused when everything had shipped by then. Cancelling again at the same or a
 * later time changes nothing; an earlier time moves the cancellation back, so the earliest
 * cancellation wins whatever the arrival order. Shipments recorded with a business time after the
 * cancellation are void (`order-shipment-voided`), as if they had been refused on arrival.
 */
export function cancelOrder(order: Order, request: CancellationRequest): OrderCommandResult {
  const orderId = order.facts.orderId;
  const cancelledAt = instant(request.cancelledAt);
  if (order.cancellation !== null && cancelledAt >= instant(order.cancellation.cancelledAt)) {
    return duplicate(order);
  }
  const kept = order.shipments.filter((s) => instant(s.shippedAt) <= cancelledAt);
  const voided = order.shipments.filter((s) => instant(s.shippedAt) > cancelledAt);
  const unitsCancelled = unshippedLines(order, kept);
  if (totalUnits(unitsCancelled) === 0) {
    return refused('ORDER.ALREADY_SHIPPED', orderId, `Every unit had shipped by ${request.cancelledAt}`);
  }
  const cancellation = { cancelledAt: request.cancelledAt, reason: request.reason, unitsCancelled };
  const at = request.cancelledAt;
  return settle(order, { shipments: kept, cancellation }, at, 'order-cancelled', (view) => [
    ...voided.map((shipment) => ({
      type: 'order-shipment-voided' as const,
      orderId,
      occurredAt: at,
      order: view,
      shipment,
      code: 'ORDER.SHIPPED_AFTER_CANCELLATION' as const,
    })),
    { type: 'order-cancelled' as const, orderId, occurredAt: at, order: view, cancellation },
  ]);
}

/**
 * Applies a change of facts: derives the status, refuses an edge the lifecycle lacks, records the
 * transition and builds the events from the resulting order.
 */
function settle(
  order: Order,
  change: Partial<Pick<Order, 'firstAllocation' | 'latestAllocation' | 'shipments' | 'cancellation'>>,
  at: string,
  cause: OrderEventType,
  events: (view: OrderView) => OrderDomainEvent[],
): OrderCommandResult {
  const status = statusOf({ ...order, ...change });
  if (status !== order.status && !isAllowedTransition(order.status, status)) {
    return refused(
      'ORDER.TRANSITION_NOT_ALLOWED',
      order.facts.orderId,
      `${order.status} cannot become ${status}`,
    );
  }
  const history =
    status === order.status
      ? order.history
      : [...order.history, { from: order.status, to: status, at, cause }];
  const next: Order = { ...order, ...change, status, history };
  return { ok: true, outcome: 'applied', order: next, events: events(orderView(next)) };
}

function cancellationVoided(
  view: OrderView,
  cancellation: OrderCancellation,
  occurredAt: string,
): OrderCancellationVoidedEvent {
  const { cancelledAt, reason } = cancellation;
  return {
    type: 'order-cancellation-voided',
    orderId: view.orderId,
    occurredAt,
    order: view,
    cancellation: { cancelledAt, reason },
    code: 'ORDER.ALREADY_SHIPPED',
  };
}

function duplicate(order: Order): OrderAccepted {
  return { ok: true, outcome: 'duplicate', order, events: [] };
}

function refused(...args: Parameters<typeof orderRefusal>): OrderRefused {
  return { ok: false, refusal: orderRefusal(...args) };
}
