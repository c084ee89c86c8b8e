import type { ReturnsReturnStatus } from '@opsline/contracts';

/**
 * The return lifecycle: REQUESTED → AUTHORIZED | REJECTED → RECEIVED → INSPECTED → REFUNDED →
 * CLOSED. Partial returns cycle: more units received after a partial refund go back to RECEIVED,
 * and received units not inspected yet may be inspected straight from REFUNDED. A receipt while
 * RECEIVED stays RECEIVED. A return with units outstanding may be closed by hand once authorized.
 */
const ALLOWED: Readonly<Record<ReturnsReturnStatus, readonly ReturnsReturnStatus[]>> = {
  REQUESTED: ['AUTHORIZED', 'REJECTED'],
  AUTHORIZED: ['RECEIVED', 'CLOSED'],
  RECEIVED: ['RECEIVED', 'INSPECTED', 'CLOSED'],
  INSPECTED: ['REFUNDED'],
  REFUNDED: ['RECEIVED', 'INSPECTED', 'CLOSED'],
  REJECTED: [],
  CLOSED: [],
};

export function canTransition(from: ReturnsReturnStatus, to: ReturnsReturnStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Statuses that take no further fact. */
export function isFinal(status: ReturnsReturnStatus): boolean {
  return ALLOWED[status].length === 0;
}
