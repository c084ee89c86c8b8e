import type { Provider } from '@nestjs/common';
import { AlertStreamUseCase } from '../../application/alert-stream.use-case';
import {
  ALERT_CLOCK,
  ALERT_EVALUATION_INTERVAL,
  ALERT_POLICY,
  EvaluateAlertsUseCase,
} from '../../application/evaluate-alerts.use-case';
import { ListAlertsUseCase } from '../../application/list-alerts.use-case';
import { RecordAlertFeedsUseCase } from '../../application/record-alert-feeds.use-case';
import { AlertPolicy, Clock, SYSTEM_CLOCK } from '../../domain/alerts/alert';
import type { KpiEnvironment } from '../../kpi.environment';
import { AlertEvaluationSweep } from './alert-evaluation.sweep';
import { AlertFeedsConsumer } from './alert-feeds.consumer';
import { AlertRepository } from './alert.repository';

/** The alerts' providers for the kpi module; `clock` replaces the wall clock (tests). */
export function alertProviders(environment: KpiEnvironment, clock: Clock = SYSTEM_CLOCK): Provider[] {
  const policy: AlertPolicy = {
    orderAtRiskHours: environment.ALERT_ORDER_AT_RISK_HOURS,
    returnAgeingHours: environment.ALERT_RETURN_AGEING_HOURS,
    warehouseSilenceMinutes: environment.ALERT_WAREHOUSE_SILENCE_MINUTES,
  };
  return [
    { provide: ALERT_CLOCK, useValue: clock },
    { provide: ALERT_POLICY, useValue: policy },
    { provide: ALERT_EVALUATION_INTERVAL, useValue: environment.ALERT_EVALUATION_INTERVAL_MS },
    { provide: AlertRepository, useValue: new AlertRepository() },
    {
      provide: RecordAlertFeedsUseCase,
      useFactory: (alerts: AlertRepository) => new RecordAlertFeedsUseCase(alerts, clock),
      inject: [AlertRepository],
    },
    EvaluateAlertsUseCase,
    ListAlertsUseCase,
    AlertStreamUseCase,
    // an API-only process serves alerts; the projecting one watches the feeds and evaluates
    ...(environment.KPI_ROLE === 'api' ? [] : [AlertEvaluationSweep, AlertFeedsConsumer]),
  ];
}
