import { AlertCondition, AlertRecord, conditionOf } from './alert';
import { diffAlerts, openInScope } from './alert-diff';

const T1 = '2026-11-25T10:00:00.000Z';
const T2 = '2026-11-25T10:00:30.000Z';

const atRisk = (orderId: string): AlertCondition =>
  conditionOf('order-at-risk', 'warning', orderId, {
    orderId,
    warehouseId: 'WH-1',
    summary: `order ${orderId}`,
  });

const openAt = (condition: AlertCondition, raisedAt: string, occurrence = 1): AlertRecord => ({
  ...condition,
  occurrence,
  raisedAt,
  resolvedAt: null,
});

describe('raising and resolving alerts', () => {
  it('raises a condition with no open alert, as occurrence 1 at now', () => {
    const { raised, resolved } = diffAlerts([], [atRisk('ORD-1')], new Map(), T1);
    expect(raised).toEqual([{ ...atRisk('ORD-1'), occurrence: 1, raisedAt: T1, resolvedAt: null }]);
    expect(resolved).toEqual([]);
  });

  it('leaves an alert whose condition still holds as it was raised (no second event)', () => {
    const open = [openAt(atRisk('ORD-1'), T1)];
    expect(diffAlerts(open, [{ ...atRisk('ORD-1'), summary: 'newer numbers' }], new Map(), T2)).toEqual({
      raised: [],
      resolved: [],
    });
  });

  it('resolves an open alert whose condition is gone (the order shipped), keeping when it was raised', () => {
    const { raised, resolved } = diffAlerts([openAt(atRisk('ORD-1'), T1)], [], new Map(), T2);
    expect(raised).toEqual([]);
    expect(resolved).toEqual([{ ...atRisk('ORD-1'), occurrence: 1, raisedAt: T1, resolvedAt: T2 }]);
  });

  it('raises a condition that comes back after a resolution as the next occurrence of the same id', () => {
    const { raised } = diffAlerts([], [atRisk('ORD-1')], new Map([['order-at-risk:ORD-1', 2]]), T2);
    expect(raised.map((a) => [a.alertId, a.occurrence])).toEqual([['order-at-risk:ORD-1', 3]]);
  });

  it('turns at-risk into overdue as one resolution and one raise', () => {
    const overdue = conditionOf('order-overdue', 'critical', 'ORD-1', { orderId: 'ORD-1', summary: 'late' });
    const { raised, resolved } = diffAlerts([openAt(atRisk('ORD-1'), T1)], [overdue], new Map(), T2);
    expect(resolved.map((a) => a.alertId)).toEqual(['order-at-risk:ORD-1']);
    expect(raised.map((a) => [a.alertId, a.severity])).toEqual([['order-overdue:ORD-1', 'critical']]);
  });

  it('changes nothing when run again on its own result (a repeated evaluation is harmless)', () => {
    const conditions = [atRisk('ORD-1'), atRisk('ORD-2')];
    const first = diffAlerts([openAt(atRisk('ORD-3'), T1)], conditions, new Map(), T2);
    const openAfter = first.raised;
    expect(diffAlerts(openAfter, conditions, new Map(), T2)).toEqual({ raised: [], resolved: [] });
  });
});

describe('an evaluation over a part of the open alerts', () => {
  it('scopes the re-checked alerts and those of the conditions found, each once', () => {
    const recheck = [openAt(atRisk('ORD-1'), T1), openAt(atRisk('ORD-2'), T1)];
    const ofConditions = [openAt(atRisk('ORD-2'), T1), openAt(atRisk('ORD-3'), T1)];
    expect(openInScope(recheck, ofConditions).map((a) => a.alertId)).toEqual([
      'order-at-risk:ORD-1',
      'order-at-risk:ORD-2',
      'order-at-risk:ORD-3',
    ]);
    // a re-checked alert whose condition still holds stays open, one whose condition is gone resolves
    const { raised, resolved } = diffAlerts(
      openInScope(recheck, ofConditions),
      [atRisk('ORD-2'), atRisk('ORD-3')],
      new Map(),
      T2,
    );
    expect(raised).toEqual([]);
    expect(resolved.map((a) => a.alertId)).toEqual(['order-at-risk:ORD-1']);
  });
});
