import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto, RequestValidationError, RequireScopes } from '@opsline/platform';
import {
  bucketRange,
  decodeLineageCursor,
  KpiAsOfUseCase,
  LineagePage,
} from '../application/kpi-as-of.use-case';
import { assertFromBeforeTo } from '../application/get-kpis.use-case';
import { LineagePageView } from './kpi-as-of.views';
import { KpiLineageQueryDto } from './kpi-lineage.dto';

const DEFAULT_LIMIT = 100;

/** [from, to) from `bucket` (+ granularity) or from `from`/`to`; a 400 naming what is missing. */
function rangeOf(query: KpiLineageQueryDto): { from: string; to: string } {
  if (query.bucket !== undefined) return bucketRange(query.bucket, query.granularity ?? 'day');
  if (query.from === undefined || query.to === undefined)
    throw new RequestValidationError([
      { field: 'bucket', rule: 'required', message: 'give bucket (with granularity), or from and to' },
    ]);
  assertFromBeforeTo(query.from, query.to);
  return { from: new Date(query.from).toISOString(), to: new Date(query.to).toISOString() };
}

@ApiTags('kpis')
@Controller('kpis')
export class KpiLineageController {
  constructor(private readonly asOf: KpiAsOfUseCase) {}

  @Get('lineage')
  @RequireScopes('kpi:read')
  @ApiOperation({
    summary: 'The facts and event ids behind one metric of one bucket (paged)',
    description:
      'Each fact says what it adds to the numerator and denominator; combined (see `combination`) they give `value`, the number GET /kpis answers for the same bucket and filters. Facts come from the event journal replayed as known now (or at `asOf`). 400 names the bad parameter (metric, bucket, granularity, from, to, asOf, limit, cursor, filters); 422 KPI.JOURNAL_SLICE_TOO_LARGE when more events than the replay limit would be needed.',
  })
  @ApiOkResponse({ type: LineagePageView })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A parameter is invalid, named in error.fields',
  })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'KPI.JOURNAL_SLICE_TOO_LARGE' })
  async lineage(@Query() query: KpiLineageQueryDto): Promise<LineagePage> {
    const offset = decodeLineageCursor(query.cursor);
    return this.asOf.lineage({
      metric: query.metric,
      ...rangeOf(query),
      warehouseId: query.warehouseId ?? null,
      sku: query.sku ?? null,
      channel: query.channel ?? null,
      asOf: query.asOf ?? null,
      limit: query.limit ?? DEFAULT_LIMIT,
      offset,
    });
  }
}
