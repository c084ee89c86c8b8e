import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOpslineId } from '@opsline/contracts';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { GRANULARITIES, Granularity } from '../domain/kpi-buckets';

/** ISO-8601 with an explicit zone (or a bare date, which is UTC midnight): never local time. */
export const ZONED_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
export const ZONED_TIME_MESSAGE =
  '$property must be an ISO-8601 time with a zone (e.g. 2026-11-20T00:00:00.000Z)';

export const RESPONSE_FORMATS = ['json', 'csv'] as const;

class TimeRangeQuery {
  @ApiProperty({ description: 'Start, inclusive (ISO-8601 UTC)', example: '2026-11-16T00:00:00.000Z' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(ZONED_TIME, { message: ZONED_TIME_MESSAGE })
  from!: string;

  @ApiProperty({ description: 'End, exclusive (ISO-8601 UTC)', example: '2026-11-23T00:00:00.000Z' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(ZONED_TIME, { message: ZONED_TIME_MESSAGE })
  to!: string;

  @ApiPropertyOptional({ description: "Order's warehouse (see the README for shipments and inspections)" })
  @IsOptional()
  @IsOpslineId()
  warehouseId?: string;

  @ApiPropertyOptional({
    description: 'Only facts of this SKU (unit and value metrics count its lines only)',
  })
  @IsOptional()
  @IsOpslineId()
  sku?: string;

  @ApiPropertyOptional({ enum: RESPONSE_FORMATS, description: 'csv: same as Accept: text/csv' })
  @IsOptional()
  @IsIn(RESPONSE_FORMATS)
  format?: (typeof RESPONSE_FORMATS)[number];
}

/** `GET /kpis?from=&to=&granularity=&warehouseId=&sku=&channel=` */
export class KpiQueryDto extends TimeRangeQuery {
  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: Granularity;

  @ApiPropertyOptional({ description: "The order's sales channel" })
  @IsOptional()
  @IsOpslineId()
  channel?: string;

  @ApiPropertyOptional({
    description:
      'Answer as known at this time (ISO-8601 with a zone, not in the future): every bucket says whether it was restated since',
    example: '2026-11-18T00:00:00.000Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(ZONED_TIME, { message: ZONED_TIME_MESSAGE })
  asOf?: string;
}

/** `GET /kpis/returns/reasons?from=&to=&warehouseId=&sku=` */
export class ReturnReasonsQueryDto extends TimeRangeQuery {}

/** `GET /kpis/inventory?warehouseId=&sku=` */
export class InventoryQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsOpslineId()
  warehouseId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsOpslineId()
  sku?: string;

  @ApiPropertyOptional({ enum: RESPONSE_FORMATS })
  @IsOptional()
  @IsIn(RESPONSE_FORMATS)
  format?: (typeof RESPONSE_FORMATS)[number];
}

/** `GET /kpis/stream?granularity=&warehouseId=&sku=&channel=` */
export class KpiStreamQueryDto {
  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: Granularity;

  @ApiPropertyOptional()
  @IsOptional()
  @IsOpslineId()
  warehouseId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsOpslineId()
  sku?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsOpslineId()
  channel?: string;
}
