import {
  domainTopicOf,
  RETURNS_RETURN_AUTHORIZED_V1,
  RETURNS_RETURN_CLOSED_V1,
  RETURNS_RETURN_INSPECTED_V1,
  RETURNS_RETURN_RECEIVED_V1,
  RETURNS_RETURN_REFUNDED_V1,
  RETURNS_RETURN_REJECTED_V1,
  ReturnsReturnAuthorizedV1,
} from '@opsline/contracts';
import { OutboxEntry } from '@opsline/messaging';
import { randomUUID } from 'node:crypto';
import type { Return, ReturnFact } from '../domain/return';

/** The event a change answers to: its id becomes the causation id, its correlation id is kept. */
export interface ReturnEventCause {
  readonly eventId: string;
  readonly correlationId?: string;
}

/** The whole return as every `opsline.returns` event carries it. */
type ReturnSnapshot = ReturnsReturnAuthorizedV1;

function snapshotOf(ret: Return, occurredAt: string): ReturnSnapshot {
  return {
    returnId: ret.returnId,
    orderId: ret.orderId,
    ...(ret.channel === undefined ? {} : { channel: ret.channel }),
    ...(ret.currency === undefined ? {} : { currency: ret.currency }),
    ...(ret.orderWarehouseId === undefined ? {} : { orderWarehouseId: ret.orderWarehouseId }),
    requestedAt: ret.requestedAt,
    status: ret.status,
    occurredAt,
    ...(ret.rejectionReason === undefined ? {} : { rejectionReason: ret.rejectionReason }),
    lines: ret.lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      reasonCode: line.reasonCode,
      ...(line.unitPriceMinor === undefined ? {} : { unitPriceMinor: line.unitPriceMinor }),
      authorizedQuantity: line.authorizedQuantity,
      receivedQuantity: line.receivedQuantity,
      inspectedQuantity: line.inspectedQuantity,
      refundedQuantity: line.refundedQuantity,
    })),
    ...(ret.firstReceivedAt === undefined ? {} : { firstReceivedAt: ret.firstReceivedAt }),
    refundedAmountMinor: ret.refundedAmountMinor,
  };
}

function typeAndData(fact: ReturnFact): { type: string; data: Record<string, unknown> } {
  switch (fact.kind) {
    case 'authorized':
      return {
        type: RETURNS_RETURN_AUTHORIZED_V1,
        data: { ...snapshotOf(fact.after, fact.after.requestedAt) },
      };
    case 'rejected':
      return {
        type: RETURNS_RETURN_REJECTED_V1,
        data: { ...snapshotOf(fact.after, fact.after.requestedAt) },
      };
    case 'received':
      return {
        type: RETURNS_RETURN_RECEIVED_V1,
        data: {
          ...snapshotOf(fact.after, fact.receipt.receivedAt),
          receiptWarehouseId: fact.receipt.warehouseId,
          receivedAt: fact.receipt.receivedAt,
          receiptLines: fact.receipt.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
        },
      };
    case 'inspected':
      return {
        type: RETURNS_RETURN_INSPECTED_V1,
        data: {
          ...snapshotOf(fact.after, fact.inspection.inspectedAt),
          inspectionWarehouseId: fact.inspection.warehouseId,
          inspectedAt: fact.inspection.inspectedAt,
          inspectionLines: fact.inspection.lines.map((line) => ({ ...line })),
        },
      };
    case 'refunded':
      return {
        type: RETURNS_RETURN_REFUNDED_V1,
        data: {
          ...snapshotOf(fact.after, fact.refund.refundedAt),
          refundedAt: fact.refund.refundedAt,
          refundAmountMinor: fact.refund.amountMinor,
          refundLines: fact.refund.lines.map((line) => ({ ...line })),
        },
      };
    case 'closed':
      return {
        type: RETURNS_RETURN_CLOSED_V1,
        data: {
          ...snapshotOf(fact.after, fact.closedAt),
          ...(fact.after.closeReason === undefined ? {} : { closeReason: fact.after.closeReason }),
        },
      };
  }
}

/** The outbox entries of `facts`, in order, on `opsline.returns` keyed by the return id. */
export function returnOutboxEntries(facts: readonly ReturnFact[], cause: ReturnEventCause): OutboxEntry[] {
  return facts.map((fact) => {
    const { type, data } = typeAndData(fact);
    const topic = domainTopicOf(type);
    if (topic === undefined) throw new Error(`no domain topic for ${type}`);
    return {
      topic,
      event: {
        specversion: '1.0',
        id: randomUUID(),
        source: '/services/returns',
        type,
        time: new Date().toISOString(),
        subject: fact.after.returnId,
        datacontenttype: 'application/json',
        causationid: cause.eventId,
        ...(cause.correlationId === undefined ? {} : { correlationid: cause.correlationId }),
        data,
      },
    };
  });
}
