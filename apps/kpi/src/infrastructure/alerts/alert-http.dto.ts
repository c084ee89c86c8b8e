import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALERT_KINDS, ALERT_SEVERITIES, AlertKind, AlertSeverity, IsOpslineId } from '@opsline/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export const ALERT_STATUSES = ['open', 'resolved', 'all'] as const;

/** `GET /alerts?status=&kind=&warehouseId=&limit=&cursor=` */
export class ListAlertsQuery {
  @ApiPropertyOptional({ enum: ALERT_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(ALERT_STATUSES)
  status?: (typeof ALERT_STATUSES)[number];

  @ApiPropertyOptional({ enum: ALERT_KINDS })
  @IsOptional()
  @IsIn(ALERT_KINDS)
  kind?: AlertKind;

  @ApiPropertyOptional({
    description: 'Only alerts of this warehouse (required with a warehouse-limited key)',
  })
  @IsOptional()
  @IsOpslineId()
  warehouseId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class AlertView {
  @ApiProperty({ example: 'order-at-risk:ORD-1001', description: 'Stable per kind and subject' })
  alertId!: string;

  @ApiProperty({ description: '1, then 2, 3… each time the condition comes back after a resolution' })
  occurrence!: number;

  @ApiProperty({ enum: ALERT_KINDS })
  kind!: AlertKind;

  @ApiProperty({ enum: ALERT_SEVERITIES })
  severity!: AlertSeverity;

  @ApiProperty({ enum: ['open', 'resolved'] })
  status!: 'open' | 'resolved';

  @ApiProperty({ type: String, nullable: true })
  warehouseId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  orderId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  returnId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  sku!: string | null;

  @ApiProperty({ type: String, nullable: true })
  shipmentId!: string | null;

  @ApiProperty({ description: 'The condition with its numbers, as found when raised' })
  summary!: string;

  @ApiProperty({ description: 'When the kpi service first found the condition (its clock)' })
  raisedAt!: string;

  @ApiProperty({ type: String, nullable: true, description: 'When it found the condition gone' })
  resolvedAt!: string | null;
}

export class AlertsPageView {
  @ApiProperty({ type: AlertView, isArray: true })
  items!: AlertView[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null on the last',
  })
  nextCursor!: string | null;
}
