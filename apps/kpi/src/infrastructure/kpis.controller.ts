import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorResponseDto, RequireScopes } from '@opsline/platform';
import type { FastifyReply } from 'fastify';
import { GetKpisUseCase } from '../application/get-kpis.use-case';
import { KpiAsOfUseCase } from '../application/kpi-as-of.use-case';
import { AsOfKpiReport, asOfReportCsv } from '../domain/as-of';
import { InventoryPositionKpis, KpiLookupsUseCase } from '../application/kpi-lookups.use-case';
import { kpiReportCsv, toCsv } from '../domain/kpi-csv';
import type { KpiReport } from '../domain/kpi-query';
import type { ReturnReasonShare } from '../domain/return-reasons';
import { ConsumerLagReader } from './consumer-lag.reader';
import { InventoryQueryDto, KpiQueryDto, ReturnReasonsQueryDto } from './kpi-http.dto';
import { InventoryPositionView, KpiReportView, ReturnReasonView } from './kpi-http.views';
import { AsOfKpiReportView } from './kpi-as-of.views';

const CSV = 'text/csv; charset=utf-8';
const JSON_UTF8 = 'application/json; charset=utf-8';
const iso = (time: string): string => new Date(time).toISOString();

function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  return format === 'csv' || (format === undefined && (accept ?? '').toLowerCase().includes('text/csv'));
}

/** `freshness` of a `GET /kpis` JSON answer: how far the read model had caught up. */
interface KpiFreshness {
  readonly newestEventTime: string | null;
  readonly lagByTopic: Record<string, number | null>;
  readonly computedAt: string;
}

@ApiTags('kpis')
@Controller('kpis')
export class KpisController {
  private readonly reportJson = new WeakMap<KpiReport, string>();

  constructor(
    private readonly getKpis: GetKpisUseCase,
    private readonly lookups: KpiLookupsUseCase,
    private readonly consumerLag: ConsumerLagReader,
    private readonly asOf: KpiAsOfUseCase,
  ) {}

  @Get()
  @RequireScopes('kpi:read')
  @ApiOperation({
    summary: 'KPIs per UTC bucket (weeks start Monday) and over the whole range (contract §4, §5)',
    description:
      'Every bucket of [from, to) is listed; rates with a zero denominator are null. CSV with Accept: text/csv or format=csv. 400 names the bad parameter (dates, from ≥ to, granularity, more than 10,000 buckets, asOf). With asOf: the KPIs as known at that time (the event journal replayed up to it), each bucket with `restated` (its numbers changed since), `totalsRestated`, no freshness; CSV gets a `restated` column.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(KpiReportView) }, { $ref: getSchemaPath(AsOfKpiReportView) }] },
  })
  @ApiExtraModels(KpiReportView, AsOfKpiReportView)
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A parameter is invalid, named in error.fields',
  })
  @ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description: 'asOf: KPI.JOURNAL_SLICE_TOO_LARGE (more events known at asOf than one answer replays)',
  })
  async kpis(
    @Query() query: KpiQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AsOfKpiReport | string> {
    const kpiQuery = {
      from: iso(query.from),
      to: iso(query.to),
      granularity: query.granularity ?? 'day',
      warehouseId: query.warehouseId ?? null,
      sku: query.sku ?? null,
      channel: query.channel ?? null,
    };
    if (query.asOf !== undefined) {
      const asOfReport = await this.asOf.asOf(kpiQuery, query.asOf);
      if (!wantsCsv(query.format, accept)) return asOfReport;
      void reply.header('content-type', CSV);
      return asOfReportCsv(asOfReport);
    }
    const { report, newestEventTime, computedAt } = await this.getKpis.answer(kpiQuery);
    if (wantsCsv(query.format, accept)) {
      void reply.header('content-type', CSV);
      return kpiReportCsv(report);
    }
    const lagByTopic = await this.consumerLag.lagByTopic();
    void reply.header('content-type', JSON_UTF8);
    return this.withFreshness(report, { newestEventTime, lagByTopic, computedAt });
  }

  /**
   * `{ ...report, freshness }` as JSON, the report's part serialized once per shared answer: every
   * request asking the same question within KPI_ANSWER_MAX_AGE_MS gets the same report object, and
   * its ~50 KB (90 day buckets) were most of what a request cost to serialize.
   */
  private withFreshness(report: KpiReport, freshness: KpiFreshness): string {
    let json = this.reportJson.get(report);
    if (json === undefined) this.reportJson.set(report, (json = JSON.stringify(report)));
    return `${json.slice(0, -1)},"freshness":${JSON.stringify(freshness)}}`;
  }

  @Get('returns/reasons')
  @RequireScopes('kpi:read')
  @ApiOperation({ summary: 'Authorized return units per reason code [requestedAt], most units first' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: [ReturnReasonView] })
  async returnReasons(
    @Query() query: ReturnReasonsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReturnReasonShare[] | string> {
    const reasons = await this.lookups.returnReasons({
      from: iso(query.from),
      to: iso(query.to),
      warehouseId: query.warehouseId ?? null,
      sku: query.sku ?? null,
    });
    if (!wantsCsv(query.format, accept)) return reasons;
    void reply.header('content-type', CSV);
    return toCsv(
      ['reasonCode', 'units', 'share'],
      reasons.map((r) => [r.reasonCode, r.units, r.share]),
    );
  }

  @Get('inventory')
  @RequireScopes('kpi:read')
  @ApiOperation({ summary: 'Current positions with belowReorderPoint and daysOfSupply (28-day shipments)' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: [InventoryPositionView] })
  async inventory(
    @Query() query: InventoryQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InventoryPositionKpis[] | string> {
    const positions = await this.lookups.inventory({
      warehouseId: query.warehouseId ?? null,
      sku: query.sku ?? null,
    });
    if (!wantsCsv(query.format, accept)) return positions;
    void reply.header('content-type', CSV);
    const columns = [
      'warehouseId',
      'sku',
      'onHand',
      'reserved',
      'available',
      'reorderPoint',
      'belowReorderPoint',
      'daysOfSupply',
    ] as const;
    return toCsv(
      columns,
      positions.map((p) => columns.map((column) => p[column])),
    );
  }
}
