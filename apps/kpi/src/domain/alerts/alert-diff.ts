import type { AlertCondition, AlertRecord } from './alert';

/** What one evaluation changes: occurrences to raise, open ones to resolve. */
export interface AlertTransitions {
  readonly raised: readonly AlertRecord[];
  readonly resolved: readonly AlertRecord[];
}

/**
 * Compares the conditions that hold now with the open alerts: a condition without an open alert is
 * raised (as the next occurrence of its id), an open alert whose condition is gone is resolved, and
 * one still holding is left as it was raised (no event). Running it again with the result applied
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
