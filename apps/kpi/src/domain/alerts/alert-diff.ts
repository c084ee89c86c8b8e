import type { AlertCondition, AlertRecord } from './alert';

/** What one evaluation changes: occurrences to raise, open ones to resolve. */
export interface AlertTransitions {
  readonly raised: readonly AlertRecord[];
  readonly resolved: readonly AlertRecord[];
}

/**
 * Compares the conditions that hold now with the open alerts: a condition without an open alert is
 * raised (as the next occurrence of its id), an open alert whose condition is gone is resolved, and
 * one still holding is left as it was raised (no event). `open` may be a part of the open alerts: those
 * it leaves out are left alone, so an evaluation need only pass the ones whose subjects it looked at
 * (see {@link openInScope}). Running it again with the result applied
 * changes nothing, which is what makes a replayed or repeated evaluation harmless.
 */
export function diffAlerts(
  open: readonly AlertRecord[],
  conditions: readonly AlertCondition[],
  lastOccurrenceOf: ReadonlyMap<string, number>,
  now: string,
): AlertTransitions {
  const holding = new Set(conditions.map((condition) => condition.alertId));
  const openIds = new Set(open.map((alert) => alert.alertId));
  const raised = conditions
    .filter((condition) => !openIds.has(condition.alertId))
    .map((condition) => ({
      ...condition,
      occurrence: (lastOccurrenceOf.get(condition.alertId) ?? 0) + 1,
      raisedAt: now,
      resolvedAt: null,
    }));
  const resolved = open
    .filter((alert) => !holding.has(alert.alertId))
    .map((alert) => ({ ...alert, resolvedAt: now }));
  return { raised, resolved };
}

/**
 * The open alerts an evaluation decides on: those re-checked because their condition may be gone,
 * and those of the conditions found (so a holding one is not raised again), each once.
 */
export function openInScope(
  openToRecheck: readonly AlertRecord[],
  openOfConditions: readonly AlertRecord[],
): AlertRecord[] {
  return [
    ...new Map([...openToRecheck, ...openOfConditions].map((alert) => [alert.alertId, alert])).values(),
  ];
}
