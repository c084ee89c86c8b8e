import { Inject, Injectable } from '@nestjs/common';
import { Outbox } from '@opsline/messaging';
import type { EntityManager } from 'typeorm';
import type { AlertPolicy, Clock } from '../domain/alerts/alert';
import { AlertTransitions, diffAlerts, openInScope } from '../domain/alerts/alert-diff';
import { alertConditions } from '../domain/alerts/alert-rules';
import { AlertRepository } from '../infrastructure/alerts/alert.repository';
import type { LiveTables } from '../infrastructure/kpi-tables';
import { LiveKpiTables } from '../infrastructure/read-models/read-model-versions.repository';
import { alertOutboxEntries } from './alert-wire-events';

/** Injection tokens of the alerts' clock and thresholds. */
export const ALERT_CLOCK = Symbol('ALERT_CLOCK');
export const ALERT_POLICY = Symbol('ALERT_POLICY');
export const ALERT_EVALUATION_INTERVAL = Symbol('ALERT_EVALUATION_INTERVAL');

/**
 * One evaluation: finds the conditions that hold now (from the live facts and the warehouse feeds),
 * raises the new ones and resolves the gone ones, and writes the alerts, their stream rows and their
 * `opsline.alerts` events in the caller's transaction (so all three commit together). It reads only
 * the subjects whose alert may change, at most `ALERT_CANDIDATES_PER_RULE` per rule (a larger backlog
 * is worked off over the next evaluations), so its work does not grow with the open alerts or history.
 */
@Injectable()
export class EvaluateAlertsUseCase {
  /** Silence is measured from here at the earliest (see `AlertInputs.watchingSince`). */
  private readonly watchingSince: string;

  constructor(
    private readonly alerts: AlertRepository,
    @Inject(LiveKpiTables) private readonly live: LiveTables,
    private readonly outbox: Outbox,
    @Inject(ALERT_CLOCK) private readonly clock: Clock,
    @Inject(ALERT_POLICY) private readonly policy: AlertPolicy,
  ) {
    this.watchingSince = clock.now().toISOString();
  }

  async execute(manager: EntityManager): Promise<AlertTransitions> {
    await this.alerts.lockEvaluation(manager);
    // read after the lock: an evaluation waiting for another one sees what that one wrote
    const now = this.clock.now();
    // Only what may change is read (see loadCandidates): the work is bounded however many are open.
    const { inputs, openToRecheck } = await this.alerts.loadCandidates(
      manager,
      this.live.tables,
      now,
      this.policy,
    );
    const conditions = alertConditions({ ...inputs, watchingSince: this.watchingSince }, now, this.policy);
    const open = openInScope(
      openToRecheck,
      await this.alerts.openAlertsOf(
        manager,
        conditions.map((c) => c.alertId),
      ),
    );
    const openIds = new Set(open.map((alert) => alert.alertId));
    const lastOccurrences = await this.alerts.lastOccurrences(
      manager,
      conditions.filter((c) => !openIds.has(c.alertId)).map((c) => c.alertId),
    );
    const transitions = diffAlerts(open, conditions, lastOccurrences, now.toISOString());
    await this.alerts.apply(manager, transitions);
    await this.outbox.add(manager, alertOutboxEntries(transitions));
    return transitions;
  }
}
