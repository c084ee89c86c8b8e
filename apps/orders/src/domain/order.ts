import { orderRefusal, OrderRefusal } from './order-errors';
import {
  OrderCancellationVoidedEvent,
  OrderDomainEvent,
  OrderShippedAfterCancellationEvent,
  OrderEventType,
  orderView,
  OrderView,
} from './order-events';
import {
  byBusinessTime,
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

/** Units inventory reserved later for the order's backordered lines, as stock arrived. */
export interface BackorderFill {
  /** Inventory's trigger of the fill (the stock movement that made it possible): its identity. */
  readonly trigger: string;
  readonly filledAt: string;
  readonly warehouseId: string;
  /** Units reserved now, per line. */
  readonly lines: readonly { readonly lineId: string; readonly quantity: number }[];
}

/**
 * Records a backorder fill as the next allocation attempt: the latest attempt's reservations plus
 * the fill's units, so a BACKORDERED order whose every unit is now reserved becomes ALLOCATED (a
 * partial fill keeps it BACKORDERED and says so). The same fill again has no effect. A fill before
 * any attempt is known has nothing to add to and is ignored: inventory publishes an order's first
 * attempt before its fills, keyed by the order, so it arrives first.
 */
export function recordBackorderFill(order: Order, fill: BackorderFill): OrderCommandResult {
  const latest = order.latestAllocation;
  if (latest === null || (latest.fillTriggers ?? []).includes(fill.trigger)) return duplicate(order);
  const filled = new Map(fill.lines.map((line) => [line.lineId, line.quantity]));
  return recordAllocation(order, {
    attempt: latest.attempt + 1,
    allocatedAt: fill.filledAt,
    warehouseId: fill.warehouseId,
    fillTriggers: [...(latest.fillTriggers ?? []), fill.trigger],
    lines: latest.lines.map((line) => ({
      lineId: line.lineId,
      reservedQuantity: line.reservedQuantity + (filled.get(line.lineId) ?? 0),
    })),
  });
}

/**
 * Records a shipment confirmation; idempotent by shipment id. Shipments are facts: goods that left
 * the warehouse are shipped, so a valid shipment is always recorded, before or after a
 * cancellation, whatever the arrival order. The cancellation shrinks to the units not shipped (and
 * is void if that is none). One that happened (business time) after the cancellation is also
 * flagged with `order-shipped-after-cancellation`, so operations see it.
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
  const refusal = checkShipmentLines(order, shipment) ?? checkNotOverShipped(order, shipments);
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
  const isLate = cancellation !== null && instant(at) > instant(cancellation.cancelledAt);
  return settle(order, change, at, type, (view) => [
    ...(voidedCancellation === null ? [] : [cancellationVoided(view, voidedCancellation, at)]),
    { type, orderId, occurredAt: at, order: view, shipment },
    ...(isLate && cancellation !== null ? [shippedAfterCancellation(view, shipment, cancellation, at)] : []),
  ]);
}

/**
 * Cancels the order at a business time. Shipments are never undone: the cancellation covers the
 * units no shipment (before or after it) has shipped, and is refused (`ORDER.ALREADY_SHIPPED`) when
 * that is none. Cancelling again at the same or a later time changes nothing; an earlier time moves
 * the cancellation back, so the earliest cancellation wins whatever the arrival order. Recorded
 * shipments with a business time after the cancellation stay recorded and are flagged
 * (`order-shipped-after-cancellation`), as they would have been had they arrived after it.
 */
export function cancelOrder(order: Order, request: CancellationRequest): OrderCommandResult {
  const orderId = order.facts.orderId;
  const cancelledAt = instant(request.cancelledAt);
  const previous = order.cancellation;
  if (previous !== null && cancelledAt >= instant(previous.cancelledAt)) return duplicate(order);
  const unitsCancelled = unshippedLines(order, order.shipments);
  if (totalUnits(unitsCancelled) === 0) {
    const message = `Every unit has shipped; the cancellation at ${request.cancelledAt} covers nothing`;
    return refused('ORDER.ALREADY_SHIPPED', orderId, message);
  }
  const cancellation = { cancelledAt: request.cancelledAt, reason: request.reason, unitsCancelled };
  // Shipments already flagged against an earlier-recorded (later) cancellation are not flagged again.
  const newlyLate = order.shipments.filter(
    (s) =>
      instant(s.shippedAt) > cancelledAt &&
      (previous === null || instant(s.shippedAt) <= instant(previous.cancelledAt)),
  );
  const at = request.cancelledAt;
  return settle(order, { cancellation }, at, 'order-cancelled', (view) => [
    { type: 'order-cancelled' as const, orderId, occurredAt: at, order: view, cancellation },
    ...newlyLate.map((shipment) => shippedAfterCancellation(view, shipment, cancellation, at)),
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

function shippedAfterCancellation(
  view: OrderView,
  shipment: OrderShipment,
  cancellation: OrderCancellation,
  occurredAt: string,
): OrderShippedAfterCancellationEvent {
  const { cancelledAt, reason } = cancellation;
  return {
    type: 'order-shipped-after-cancellation',
    orderId: view.orderId,
    occurredAt,
    order: view,
    shipment,
    cancellation: { cancelledAt, reason },
    code: 'ORDER.SHIPPED_AFTER_CANCELLATION',
  };
}

function duplicate(order: Order): OrderAccepted {
  return { ok: true, outcome: 'duplicate', order, events: [] };
}

function refused(...args: Parameters<typeof orderRefusal>): OrderRefused {
  return { ok: false, refusal: orderRefusal(...args) };
}
