import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@opsline/platform';
import {
  KpiReconciliationRunner,
  ReconciliationView,
  RunningReconciliation,
} from './kpi-reconciliation.runner';

const RESULT_FIELDS =
  '{ status: ok|drift|inconclusive|running|never-run, trigger, startedAt, checkedAt, durationMs, readModel: { schema, consumerGroup }, ' +
  'replayedUpTo: { topic: { partition: offset } }, messagesRead, eventsApplied, invalidMessages, range: { from, to }, bucketsCompared, ' +
  'driftCount, drift (first 100): [{ metric, bucketStart, bucketEnd, filter: { warehouseId, sku, channel }, expected, actual }], ' +
  'positions: { compared, driftCount, drift: [{ warehouseId, sku, field, expected, actual }] }, reason }; ' +
  'while a run is going: { status: "running", trigger, startedAt, previous }';

/** Reconciliation of the KPI read models against the topics: the latest result, and a run on demand. */
@ApiTags('kpis')
@Controller('kpis/reconciliation')
export class KpiReconciliationController {
  constructor(private readonly runner: KpiReconciliationRunner) {}

  @Get()
  @RequireScopes('kpi:read')
  @ApiOperation({
    summary: 'The latest reconciliation of the read models against a fresh computation from the topics',
    description:
      'Day buckets (unfiltered, per warehouse, per channel) and inventory positions of the live read model, compared in one database snapshot with the same numbers recomputed from the topics up to the offsets that snapshot had applied. Every drift names the metric, the bucket and the filter, with the expected (topics) and actual (read model) value; floats count as equal within 1e-9.',
  })
  @ApiOkResponse({ description: RESULT_FIELDS })
  async latest(): Promise<ReconciliationView> {
    return this.runner.view();
  }

  @Post()
  @HttpCode(202)
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Starts a reconciliation now (joins the one running, if any); GET shows the result',
  })
  @ApiAcceptedResponse({ description: '{ status: "running", trigger, startedAt }' })
  start(): RunningReconciliation {
    return this.runner.start('on-demand');
  }
}
