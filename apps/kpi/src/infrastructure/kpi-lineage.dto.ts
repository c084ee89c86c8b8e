import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOpslineId } from '@opsline/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { GRANULARITIES, Granularity } from '../domain/kpi-buckets';
import { LINEAGE_METRICS, LineageMetric } from '../domain/lineage';
import { ZONED_TIME, ZONED_TIME_MESSAGE } from './kpi-http.dto';

export const LINEAGE_MAX_LIMIT = 1_000;

/** `GET /kpis/lineage?metric=&bucket=&granularity=` (or `from=&to=`) `&warehouseId=&sku=&channel=&asOf=&limit=&cursor=` */
export class KpiLineageQueryDto {
  @ApiProperty({ enum: LINEAGE_METRICS, description: 'One metric of contract §5' })
  @IsIn(LINEAGE_METRICS)
  metric!: LineageMetric;

  @ApiPropertyOptional({
    description: 'Start of the bucket (aligned to the UTC granularity); or give from and to instead',
    example: '2026-11-16T00:00:00.000Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(ZONED_TIME, { message: ZONED_TIME_MESSAGE })
  bucket?: string;

  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day', description: 'The size of `bucket`' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: Granularity;

  @ApiPropertyOptional({ description: 'Start, inclusive (instead of bucket)' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(ZONED_TIME, { message: ZONED_TIME_MESSAGE })
  from?: string;

  @ApiPropertyOptional({ description: 'End, exclusive (instead of bucket)' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(ZONED_TIME, { message: ZONED_TIME_MESSAGE })
  to?: string;

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

  @ApiPropertyOptional({ description: 'The facts as known at this time (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(ZONED_TIME, { message: ZONED_TIME_MESSAGE })
  asOf?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: LINEAGE_MAX_LIMIT,
    default: 100,
    description: 'Facts per page',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LINEAGE_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;
}
