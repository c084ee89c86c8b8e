import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PeriodicSweep } from '@opsline/service-kit';
import { DataSource, EntityManager } from 'typeorm';
import { ALERT_EVALUATION_INTERVAL, EvaluateAlertsUseCase } from '../../application/evaluate-alerts.use-case';

/**
 * Evaluates the alerts every `ALERT_EVALUATION_INTERVAL_MS` (at most 30 s apart), one evaluation at a
 * time, each in one transaction. The use case takes "now" from the alerts' clock, not the sweep's.
 */
@Injectable()
export class AlertEvaluationSweep extends PeriodicSweep {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(ALERT_EVALUATION_INTERVAL) intervalMs: number,
    private readonly evaluate: EvaluateAlertsUseCase,
  ) {
    super(dataSource, intervalMs, 'AlertEvaluation');
  }

  protected async sweep(manager: EntityManager): Promise<unknown> {
    return this.evaluate.execute(manager);
  }
}
