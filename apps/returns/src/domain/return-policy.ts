import type { ReturnRejectionReason } from '@opsline/contracts';
import { lineLastShippedAt, OrderReplica } from './order-replica';
import { isWithinWindow, ReturnWindowConfig, windowDaysFor } from './return-window';

/** One line of a return request, as the policy sees it. */
export interface RequestedLine {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
}

export interface ReturnRequestForPolicy {
  readonly requestedAt: string;
  readonly lines: readonly RequestedLine[];
}

/**
 * The policy's answer. `park`: the order (or a requested line's shipment) is not known yet, and
 * the answer may change when it arrives; only given while `final` is false.
 */
export type PolicyDecision =
  | { readonly decision: 'authorize' }
  | { readonly decision: 'reject'; readonly reason: ReturnRejectionReason; readonly detail: string }
  | { readonly decision: 'park'; readonly detail: string };

export interface PolicyContext {
  /** The order replica; null when no event of the order has arrived. */
  readonly order: OrderReplica | null;
  /** Units of each order line already authorized by other returns (rejected ones excluded). */
  readonly alreadyAuthorized: ReadonlyMap<string, number>;
  readonly window: ReturnWindowConfig;
  /** The wait is over: decide with what is known instead of parking. */
  readonly final: boolean;
}

type LineVerdict = 'ok' | 'unshipped' | { reason: ReturnRejectionReason; detail: string };

/**
 * Authorizes a request when every line was shipped, asks for no more than shipped minus already
 * authorized, and comes within the window after the line's latest shipment; else the first
 * failing line's reason rejects the whole request. Unknown orders and unshipped lines park until
 * `final`.
 */
export function decideReturnRequest(request: ReturnRequestForPolicy, context: PolicyContext): PolicyDecision {
  const { order } = context;
  if (order === null) {
    return context.final
      ? {
          decision: 'reject',
          reason: 'RETURN.ORDER_UNKNOWN',
          detail: 'no event of the order arrived in time',
        }
      : { decision: 'park', detail: 'order not seen yet' };
  }
  const verdicts = request.lines.map((line) => lineVerdict(line, request.requestedAt, order, context));
  const refused = verdicts.find((verdict) => typeof verdict === 'object');
  if (typeof refused === 'object') return { decision: 'reject', ...refused };
  if (verdicts.includes('unshipped')) {
    const detail = 'a requested line has not shipped';
    return context.final
      ? { decision: 'reject', reason: 'RETURN.NOT_SHIPPED', detail }
      : { decision: 'park', detail };
  }
  return { decision: 'authorize' };
}

function lineVerdict(
  line: RequestedLine,
  requestedAt: string,
  order: OrderReplica,
  context: PolicyContext,
): LineVerdict {
  const orderLine = order.lines.find((candidate) => candidate.lineId === line.lineId);
  if (orderLine === undefined || orderLine.sku !== line.sku) {
    // The placement lists every line: one not on it (or with another sku) will never ship.
    return { reason: 'RETURN.NOT_SHIPPED', detail: `line ${line.lineId} (${line.sku}) is not on the order` };
  }
  if (orderLine.shippedQuantity === 0) return 'unshipped';
  const available = orderLine.shippedQuantity - (context.alreadyAuthorized.get(line.lineId) ?? 0);
  if (line.quantity > available) {
    return {
      reason: 'RETURN.QUANTITY_EXCEEDED',
      detail: `line ${line.lineId}: ${line.quantity} requested, ${Math.max(available, 0)} returnable`,
    };
  }
  const shippedAt = lineLastShippedAt(order, line.lineId);
  const days = windowDaysFor(context.window, order.channel);
  if (shippedAt !== undefined && !isWithinWindow(shippedAt, requestedAt, days)) {
    return {
      reason: 'RETURN.WINDOW_EXPIRED',
      detail: `line ${line.lineId} shipped ${shippedAt}, more than ${days} days before ${requestedAt}`,
    };
  }
  return 'ok';
}
