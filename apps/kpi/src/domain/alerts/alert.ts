import { createHash } from 'node:crypto';
import type { AlertKind, AlertSeverity } from '@opsline/contracts';

/** A condition that holds now and that operations should see as an open alert. */
export interface AlertCondition {
  /** Stable per kind and subject: the same condition found again is the same alert. */
  readonly alertId: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly warehouseId: string | null;
  readonly orderId: string | null;
  readonly returnId: string | null;
  readonly sku: string | null;
  readonly shipmentId: string | null;
  /** The condition with its numbers, as found. */
  readonly summary: string;
}

/** One occurrence of an alert: raised when its condition was first found, resolved when it was gone. */
export interface AlertRecord extends AlertCondition {
  /** 1, then 2, 3… each time the condition comes back after a resolution. */
  readonly occurrence: number;
  readonly raisedAt: string;
  readonly resolvedAt: string | null;
}

/** The thresholds, from the environment (`ALERT_*`). */
export interface AlertPolicy {
  /** An unshipped order is at risk this many hours before its `promisedShipBy`. */
  readonly orderAtRiskHours: number;
  /** An authorized return still open this many hours after it was requested is ageing. */
  readonly returnAgeingHours: number;
  /** A warehouse not heard from for longer than this is silent. */
  readonly warehouseSilenceMinutes: number;
}

/** Where "now" comes from: the wall clock in production, a fixed or stepped one in tests. */
export interface Clock {
  now(): Date;
}

export const SYSTEM_CLOCK: Clock = { now: () => new Date() };

const MAX_ID_LENGTH = 64;

/**
 * `kind:subject` (`order-at-risk:ORD-1001`), readable and stable. A subject too long for an id (the
 * wire's ids are at most 64 characters) is replaced by a digest of it, still stable.
 */
export function alertIdOf(kind: AlertKind, subject: string): string {
  const readable = `${kind}:${subject}`;
  if (readable.length <= MAX_ID_LENGTH && /^[A-Za-z0-9._:-]+$/.test(readable)) return readable;
  return `${kind}:${createHash('sha256')
    .update(subject)
    .digest('hex')
    .slice(0, MAX_ID_LENGTH - kind.length - 1)}`;
}

/** A condition with every optional subject field empty unless given. */
export function conditionOf(
  kind: AlertKind,
  severity: AlertSeverity,
  subject: string,
  fields: Partial<Omit<AlertCondition, 'alertId' | 'kind' | 'severity'>> & { readonly summary: string },
): AlertCondition {
  return {
    alertId: alertIdOf(kind, subject),
    kind,
    severity,
    warehouseId: null,
    orderId: null,
    returnId: null,
    sku: null,
    shipmentId: null,
    ...fields,
  };
}
