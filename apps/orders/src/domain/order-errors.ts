/**
 * Stable codes for the refusals the order aggregate returns. They are values, not exceptions: a
 * use case turns them into a dead letter with the reason (Kafka) or an HTTP status (one filter).
 */
export const ORDER_REFUSAL_CODES = [
  /** A shipment or allocation names a line the order does not have, or the line with another sku. */
  'ORDER.UNKNOWN_LINE',
  /** A quantity (or allocation attempt number) that is not a whole number in range. */
  'ORDER.INVALID_QUANTITY',
  /** The shipment would take a line past its ordered quantity. */
  'ORDER.OVER_SHIPMENT',
  /** The allocation reserves more than a line's ordered quantity. */
  'ORDER.OVER_ALLOCATION',
  /** A shipment id already recorded with other content (warehouse, time or lines). */
  'ORDER.SHIPMENT_CONFLICT',
  /** Every unit has shipped: a cancellation would cover nothing. */
  'ORDER.ALREADY_SHIPPED',
  /** The fact would move the order along an edge the lifecycle does not have. */
  'ORDER.TRANSITION_NOT_ALLOWED',
] as const;

/** One of {@link ORDER_REFUSAL_CODES}. */
export type OrderRefusalCode = (typeof ORDER_REFUSAL_CODES)[number];

/** Why a command on an order was refused; the order is unchanged. */
export interface OrderRefusal {
  readonly code: OrderRefusalCode;
  readonly orderId: string;
  /** For people reading logs and dead letters; never parsed. */
  readonly message: string;
}

/** Builds an {@link OrderRefusal}. */
export function orderRefusal(code: OrderRefusalCode, orderId: string, message: string): OrderRefusal {
  return { code, orderId, message };
}
