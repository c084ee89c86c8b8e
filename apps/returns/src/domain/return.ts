import type {
  Disposition,
  ReturnReasonCode,
  ReturnRejectionReason,
  ReturnsReturnStatus,
} from '@opsline/contracts';
import type { OrderReplica } from './order-replica';
import { refundLine, RefundLine } from './refund';
import { ReturnRefusal, returnRefusal } from './return-errors';
import { canTransition } from './return-lifecycle';

export interface ReturnLine {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly reasonCode: ReturnReasonCode;
  /** The order line's unit price; absent while the order is unknown. */
  readonly unitPriceMinor?: number;
  readonly authorizedQuantity: number;
  readonly receivedQuantity: number;
  readonly inspectedQuantity: number;
  readonly refundedQuantity: number;
}

export interface ReturnReceipt {
  readonly eventId: string;
  readonly warehouseId: string;
  readonly receivedAt: string;
  readonly lines: readonly { readonly lineId: string; readonly sku: string; readonly quantity: number }[];
}

export interface InspectionLine {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly disposition: Disposition;
  readonly recoveredValueMinor: number;
}

export interface ReturnInspection {
  readonly eventId: string;
  readonly warehouseId: string;
  readonly inspectedAt: string;
  /** Each line with the original unit price and reason, as `return-inspected` carries them. */
  readonly lines: readonly (InspectionLine & { unitPriceMinor: number; reasonCode: ReturnReasonCode })[];
}

export interface ReturnRefund {
  readonly refundedAt: string;
  readonly amountMinor: number;
  readonly lines: readonly RefundLine[];
}

/** One status change (or a receipt that keeps RECEIVED): when, by which event. */
export interface ReturnTransition {
  readonly from: ReturnsReturnStatus | null;
  readonly to: ReturnsReturnStatus;
  /** Business time of the fact. */
  readonly at: string;
  /** The event type that records it (the request, or the domain event published). */
  readonly event: string;
  readonly reason?: string;
}

/** The return aggregate: plain data, stored as JSON and changed only by the functions below. */
export interface Return {
  readonly returnId: string;
  readonly orderId: string;
  readonly status: ReturnsReturnStatus;
  readonly rejectionReason?: ReturnRejectionReason;
  readonly requestedAt: string;
  readonly channel?: string;
  readonly currency?: string;
  readonly orderWarehouseId?: string;
  readonly lines: readonly ReturnLine[];
  readonly receipts: readonly ReturnReceipt[];
  readonly inspections: readonly ReturnInspection[];
  readonly refunds: readonly ReturnRefund[];
  readonly refundedAmountMinor: number;
  readonly firstReceivedAt?: string;
  readonly closeReason?: string;
  readonly history: readonly ReturnTransition[];
}

/** What happened to a return, with the return as it stands right after it. */
export type ReturnFact =
  | { readonly kind: 'authorized' | 'rejected'; readonly after: Return }
  | { readonly kind: 'received'; readonly after: Return; readonly receipt: ReturnReceipt }
  | { readonly kind: 'inspected'; readonly after: Return; readonly inspection: ReturnInspection }
  | { readonly kind: 'refunded'; readonly after: Return; readonly refund: ReturnRefund }
  | { readonly kind: 'closed'; readonly after: Return; readonly closedAt: string };

export type ReturnResult =
  | { readonly ok: true; readonly ret: Return; readonly facts: readonly ReturnFact[] }
  | { readonly ok: false; readonly refusal: ReturnRefusal };

export const RETURN_REQUESTED_EVENT = 'opsline.return.requested.v1';
const EVENT_OF_FACT: Record<ReturnFact['kind'], string> = {
  authorized: 'opsline.returns.return-authorized.v1',
  rejected: 'opsline.returns.return-rejected.v1',
  received: 'opsline.returns.return-received.v1',
  inspected: 'opsline.returns.return-inspected.v1',
  refunded: 'opsline.returns.return-refunded.v1',
  closed: 'opsline.returns.return-closed.v1',
};

export interface ReturnRequest {
  readonly returnId: string;
  readonly orderId: string;
  readonly requestedAt: string;
  readonly lines: readonly { lineId: string; sku: string; quantity: number; reasonCode: ReturnReasonCode }[];
}

/** A new return, REQUESTED (parked until decided). */
export function requestReturn(request: ReturnRequest): Return {
  return {
    returnId: request.returnId,
    orderId: request.orderId,
    status: 'REQUESTED',
    requestedAt: request.requestedAt,
    lines: request.lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      reasonCode: line.reasonCode,
      authorizedQuantity: 0,
      receivedQuantity: 0,
      inspectedQuantity: 0,
      refundedQuantity: 0,
    })),
    receipts: [],
    inspections: [],
    refunds: [],
    refundedAmountMinor: 0,
    history: [{ from: null, to: 'REQUESTED', at: request.requestedAt, event: RETURN_REQUESTED_EVENT }],
  };
}

/** Records the policy's answer on a REQUESTED return, with the order's channel and prices when known. */
export function decideReturn(
  ret: Return,
  order: OrderReplica | null,
  decision: { decision: 'authorize' } | { decision: 'reject'; reason: ReturnRejectionReason },
): ReturnResult {
  const to = decision.decision === 'authorize' ? 'AUTHORIZED' : 'REJECTED';
  const refused = refuseTransition(ret, to);
  if (refused !== null) return refused;
  const priced = ret.lines.map((line) => {
    const unitPriceMinor = order?.lines.find((candidate) => candidate.lineId === line.lineId)?.unitPriceMinor;
    return {
      ...line,
      ...(unitPriceMinor === undefined ? {} : { unitPriceMinor }),
      authorizedQuantity: to === 'AUTHORIZED' ? line.quantity : 0,
    };
  });
  const kind = to === 'AUTHORIZED' ? 'authorized' : 'rejected';
  const after = transition(
    {
      ...ret,
      ...(order === null
        ? {}
        : {
            channel: order.channel,
            currency: order.currency,
            ...(order.warehouseId === undefined ? {} : { orderWarehouseId: order.warehouseId }),
          }),
      ...(decision.decision === 'reject' ? { rejectionReason: decision.reason } : {}),
      lines: priced,
    },
    to,
    ret.requestedAt,
    kind,
    decision.decision === 'reject' ? decision.reason : undefined,
  );
  return { ok: true, ret: after, facts: [{ kind, after }] };
}

/** Takes in a warehouse receipt: every line must be on the return and within authorized minus received. */
export function receiveReturn(ret: Return, receipt: ReturnReceipt): ReturnResult {
  const refused = refuseWarehouseFact(ret);
  if (refused !== null) return refused;
  const byLine = sumByLine(receipt.lines);
  for (const [lineId, { sku, quantity }] of byLine) {
    const line = ret.lines.find((candidate) => candidate.lineId === lineId);
    if (line === undefined || line.sku !== sku) return lineUnknown(ret, lineId, sku);
    const open = line.authorizedQuantity - line.receivedQuantity;
    if (quantity > open) {
      return refuse(
        ret,
        'RETURN.RECEIPT_EXCEEDS_AUTHORIZED',
        `line ${lineId}: ${quantity} received, only ${open} authorized and not yet received`,
      );
    }
  }
  const notAllowed = refuseTransition(ret, 'RECEIVED');
  if (notAllowed !== null) return notAllowed;
  const after = transition(
    {
      ...ret,
      lines: ret.lines.map((line) => ({
        ...line,
        receivedQuantity: line.receivedQuantity + (byLine.get(line.lineId)?.quantity ?? 0),
      })),
      receipts: [...ret.receipts, receipt],
      firstReceivedAt: ret.firstReceivedAt ?? receipt.receivedAt,
    },
    'RECEIVED',
    receipt.receivedAt,
    'received',
  );
  return { ok: true, ret: after, facts: [{ kind: 'received', after, receipt }] };
}

/**
 * Takes in an inspection and refunds its units at once: INSPECTED, then REFUNDED with the
 * refund, then CLOSED (`completed`) when every authorized unit has been refunded.
 */
export function inspectReturn(
  ret: Return,
  inspection: Omit<ReturnInspection, 'lines'> & { lines: readonly InspectionLine[] },
  restockingFeePercent: number,
): ReturnResult {
  const refused = refuseWarehouseFact(ret);
  if (refused !== null) return refused;
  const byLine = sumByLine(inspection.lines);
  for (const [lineId, { sku, quantity }] of byLine) {
    const line = ret.lines.find((candidate) => candidate.lineId === lineId);
    if (line === undefined || line.sku !== sku) return lineUnknown(ret, lineId, sku);
    const open = line.receivedQuantity - line.inspectedQuantity;
    if (quantity > open) {
      return refuse(
        ret,
        'RETURN.INSPECTION_EXCEEDS_RECEIVED',
        `line ${lineId}: ${quantity} inspected, only ${open} received and not yet inspected`,
      );
    }
  }
  const notAllowed = refuseTransition(ret, 'INSPECTED');
  if (notAllowed !== null) return notAllowed;
  const lineOf = (lineId: string): ReturnLine =>
    ret.lines.find((line) => line.lineId === lineId) as ReturnLine;
  const recorded: ReturnInspection = {
    ...inspection,
    lines: inspection.lines.map((line) => ({
      ...line,
      unitPriceMinor: lineOf(line.lineId).unitPriceMinor ?? 0,
      reasonCode: lineOf(line.lineId).reasonCode,
    })),
  };
  const inspected = transition(
    {
      ...ret,
      lines: ret.lines.map((line) => ({
        ...line,
        inspectedQuantity: line.inspectedQuantity + (byLine.get(line.lineId)?.quantity ?? 0),
      })),
      inspections: [...ret.inspections, recorded],
    },
    'INSPECTED',
    inspection.inspectedAt,
    'inspected',
  );
  const refund: ReturnRefund = refundOf(ret, byLine, inspection.inspectedAt, restockingFeePercent);
  const refunded = transition(
    {
      ...inspected,
      lines: inspected.lines.map((line) => ({
        ...line,
        refundedQuantity: line.refundedQuantity + (byLine.get(line.lineId)?.quantity ?? 0),
      })),
      refunds: [...inspected.refunds, refund],
      refundedAmountMinor: inspected.refundedAmountMinor + refund.amountMinor,
    },
    'REFUNDED',
    inspection.inspectedAt,
    'refunded',
  );
  const facts: ReturnFact[] = [
    { kind: 'inspected', after: inspected, inspection: recorded },
    { kind: 'refunded', after: refunded, refund },
  ];
  if (!refunded.lines.every((line) => line.refundedQuantity >= line.authorizedQuantity)) {
    return { ok: true, ret: refunded, facts };
  }
  const closed = transition(
    { ...refunded, closeReason: 'completed' },
    'CLOSED',
    inspection.inspectedAt,
    'closed',
    'completed',
  );
  return {
    ok: true,
    ret: closed,
    facts: [...facts, { kind: 'closed', after: closed, closedAt: inspection.inspectedAt }],
  };
}

/** Closes a decided return by hand, with units still outstanding. */
export function closeReturn(ret: Return, reason: string, closedAt: string): ReturnResult {
  if (ret.status === 'CLOSED')
    return refuse(ret, 'RETURN.ALREADY_CLOSED', `return ${ret.returnId} is closed`);
  if (ret.status === 'REJECTED') {
    return refuse(ret, 'RETURN.NOT_AUTHORIZED', `return ${ret.returnId} was rejected`);
  }
  const refused = refuseTransition(ret, 'CLOSED');
  if (refused !== null) return refused;
  const after = transition({ ...ret, closeReason: reason }, 'CLOSED', closedAt, 'closed', reason);
  return { ok: true, ret: after, facts: [{ kind: 'closed', after, closedAt }] };
}

function refundOf(
  ret: Return,
  byLine: ReadonlyMap<string, { sku: string; quantity: number }>,
  refundedAt: string,
  feePercent: number,
): ReturnRefund {
  const lines = [...byLine].map(([lineId, { quantity }]) => {
    const line = ret.lines.find((candidate) => candidate.lineId === lineId) as ReturnLine;
    return refundLine({ ...line, unitPriceMinor: line.unitPriceMinor ?? 0 }, quantity, feePercent);
  });
  return { refundedAt, amountMinor: lines.reduce((sum, line) => sum + line.amountMinor, 0), lines };
}

function sumByLine(
  lines: readonly { lineId: string; sku: string; quantity: number }[],
): Map<string, { sku: string; quantity: number }> {
  const byLine = new Map<string, { sku: string; quantity: number }>();
  for (const line of lines) {
    const seen = byLine.get(line.lineId);
    byLine.set(line.lineId, { sku: seen?.sku ?? line.sku, quantity: (seen?.quantity ?? 0) + line.quantity });
  }
  return byLine;
}

/** Rejected and closed returns take no warehouse fact; the rest is checked line by line first. */
function refuseWarehouseFact(ret: Return): ReturnResult | null {
  if (ret.status === 'REJECTED') {
    return refuse(
      ret,
      'RETURN.NOT_AUTHORIZED',
      `return ${ret.returnId} was rejected (${ret.rejectionReason})`,
    );
  }
  if (ret.status === 'CLOSED')
    return refuse(ret, 'RETURN.ALREADY_CLOSED', `return ${ret.returnId} is closed`);
  return null;
}

function refuseTransition(ret: Return, to: ReturnsReturnStatus): ReturnResult | null {
  if (canTransition(ret.status, to)) return null;
  return refuse(
    ret,
    'RETURN.TRANSITION_NOT_ALLOWED',
    `return ${ret.returnId} cannot go ${ret.status} → ${to}`,
  );
}

function lineUnknown(ret: Return, lineId: string, sku: string): ReturnResult {
  return refuse(ret, 'RETURN.LINE_UNKNOWN', `line ${lineId} (${sku}) is not on return ${ret.returnId}`);
}

function refuse(ret: Return, code: ReturnRefusal['code'], message: string): ReturnResult {
  return { ok: false, refusal: returnRefusal(code, ret.returnId, message) };
}

function transition(
  ret: Return,
  to: ReturnsReturnStatus,
  at: string,
  kind: ReturnFact['kind'],
  reason?: string,
): Return {
  const entry: ReturnTransition = {
    from: ret.status,
    to,
    at,
    event: EVENT_OF_FACT[kind],
    ...(reason === undefined ? {} : { reason }),
  };
  return { ...ret, status: to, history: [...ret.history, entry] };
}
