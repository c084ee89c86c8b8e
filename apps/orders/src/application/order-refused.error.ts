import { ConflictError, UnprocessableError } from '@opsline/platform';
import type { OrderRefusal, OrderRefusalCode } from '../domain/order-errors';

/** Refusals that conflict with the order's state (409) rather than being bad data (422). */
const CONFLICT_CODES: ReadonlySet<OrderRefusalCode> = new Set([
  'ORDER.ALREADY_SHIPPED',
  'ORDER.SHIPMENT_CONFLICT',
  'ORDER.TRANSITION_NOT_ALLOWED',
]);

/**
 * The message a refusal reads with everywhere it leaves the service: the code first, so the
 * consumer's dead letter (whose error header is the message) carries the code as its reason.
 */
export function refusalMessage(refusal: OrderRefusal): string {
  return `${refusal.code}: ${refusal.message}`;
}

/** The order refused a fact that conflicts with its state (HTTP 409; dead-lettered on Kafka). */
export class OrderConflict extends ConflictError {
  constructor(refusal: OrderRefusal) {
    super(refusal.code, refusalMessage(refusal));
  }
}

/** The order refused a fact it cannot hold (HTTP 422; dead-lettered on Kafka). */
export class OrderFactUnprocessable extends UnprocessableError {
  constructor(refusal: OrderRefusal) {
    super(refusal.code, refusalMessage(refusal));
  }
}

/** The error a refusal is thrown as. */
export function refusalError(refusal: OrderRefusal): OrderConflict | OrderFactUnprocessable {
  return CONFLICT_CODES.has(refusal.code) ? new OrderConflict(refusal) : new OrderFactUnprocessable(refusal);
}
