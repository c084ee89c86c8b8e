import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto, RequireScopes } from '@opsline/platform';
import { KpiReadModelsRunner, RebuildProgress } from './kpi-read-models.runner';

/** Contract §4: `POST /admin/read-models/rebuild` (admin), and its progress. */
@ApiTags('admin')
@Controller('admin/read-models')
export class AdminReadModelsController {
  constructor(private readonly runner: KpiReadModelsRunner) {}

  @Post('rebuild')
  @HttpCode(202)
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Rebuilds every KPI read model from the start of the topics into a new schema',
    description:
      'The read API keeps answering from the live version; when the rebuild has applied every message present when it started, the new version becomes live in one transaction. 409 while one is running.',
  })
  @ApiAcceptedResponse({ description: '{ rebuildId, targetSchema, status: "running", … }' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'KPI.REBUILD_IN_PROGRESS' })
  async rebuild(): Promise<RebuildProgress> {
    return this.runner.startRebuild();
  }

  @Get('rebuild')
  @RequireScopes('admin')
  @ApiOperation({ summary: 'The live schema and the newest rebuild: status and messages left per topic' })
  @ApiOkResponse({
    description: '{ liveSchema, rebuild: { rebuildId, targetSchema, status, remainingByTopic, … } | null }',
  })
  async progress(): Promise<{ liveSchema: string; rebuild: RebuildProgress | null }> {
    return this.runner.progress();
  }
}
