/**
 * Stable codes for what a return refuses. Values, not exceptions: a use case turns them into a
 * dead letter with the reason (Kafka) or an HTTP status (one filter).
 */
export const RETURN_REFUSAL_CODES = [
  /** A receipt or inspection for a return that was rejected. */
  'RETURN.NOT_AUTHORIZED',
  /** A receipt or inspection for a return that is closed. */
  'RETURN.ALREADY_CLOSED',
  /** A receipt would bring more units of a line than authorized minus already received. */
  'RETURN.RECEIPT_EXCEEDS_AUTHORIZED',
  /** An inspection covers more units of a line than received minus already inspected. */
  'RETURN.INSPECTION_EXCEEDS_RECEIVED',
  /** A receipt or inspection names a line the return does not have (or with another sku). */
  'RETURN.LINE_UNKNOWN',
  /** The fact would move the return along an edge the lifecycle does not have. */
  'RETURN.TRANSITION_NOT_ALLOWED',
] as const;

export type ReturnRefusalCode = (typeof RETURN_REFUSAL_CODES)[number];

/** Why a fact was refused; the return is unchanged. */
export interface ReturnRefusal {
  readonly code: ReturnRefusalCode;
  readonly returnId: string;
  /** For people reading logs and dead letters; never parsed. */
  readonly message: string;
}

export function returnRefusal(code: ReturnRefusalCode, returnId: string, message: string): ReturnRefusal {
  return { code, returnId, message };
}
