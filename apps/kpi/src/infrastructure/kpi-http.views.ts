import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shapes of the KPI read API (the JSON the use cases return). */

const RATE = {
  type: Number,
  nullable: true,
  description: 'A ratio in [0, 1]; null when its denominator is 0',
};

export class CycleTimeHoursView {
  @ApiProperty({ type: Number, nullable: true, example: 26.5 })
  avg!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 24, description: 'percentile_cont(0.5)' })
  p50!: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 47.2, description: 'percentile_cont(0.9)' })
  p90!: number | null;
}

export class KpiMetricsView {
  @ApiProperty({ example: 12 }) ordersPlaced!: number;
  @ApiProperty({ example: 30 }) unitsOrdered!: number;
  @ApiProperty({ example: 59970 }) orderValueMinor!: number;
  @ApiProperty({ example: 1 }) ordersCancelled!: number;
  @ApiProperty({ ...RATE, example: 0.0833 }) cancellationRate!: number | null;
  @ApiProperty({ ...RATE, example: 0.95 }) lineFillRate!: number | null;
  @ApiProperty({ ...RATE, example: 0.0833 }) backorderRate!: number | null;
  @ApiProperty({ example: 28 }) unitsShipped!: number;
  @ApiProperty({ example: 10 }) ordersShipped!: number;
  @ApiProperty({ ...RATE, example: 0.9 }) onTimeShipmentRate!: number | null;
  @ApiProperty({ type: CycleTimeHoursView }) orderCycleTimeHours!: CycleTimeHoursView;
  @ApiProperty({ ...RATE, example: 0.8 }) perfectOrderRate!: number | null;
  @ApiProperty({ example: 2 }) unitsReturned!: number;
  @ApiProperty({ ...RATE, example: 0.0714 }) returnRate!: number | null;
  @ApiProperty({ example: 0 }) returnsRejected!: number;
  @ApiProperty({ example: 2 }) unitsInspected!: number;
  @ApiProperty({ ...RATE, example: 0.5 }) restockRate!: number | null;
  @ApiProperty({ ...RATE, example: 0.4 }) recoveryRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 20.25 }) returnProcessingHours!: number | null;
  @ApiProperty({ ...RATE, example: 1, description: 'null under a channel filter (counts have no channel)' })
  inventoryAccuracy!: number | null;
}

export class KpiBucketView {
  @ApiProperty({ example: '2026-11-16T00:00:00.000Z' }) start!: string;
  @ApiProperty({ example: '2026-11-17T00:00:00.000Z' }) end!: string;
  @ApiProperty({ type: KpiMetricsView }) metrics!: KpiMetricsView;
}

export class KpiFiltersView {
  @ApiProperty({ type: String, nullable: true, example: null }) warehouseId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) sku!: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) channel!: string | null;
}

export class FreshnessView {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11-22T23:59:12.000Z',
    description: 'Newest business time of any event applied to the read models',
  })
  newestEventTime!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', nullable: true },
    example: { 'opsline.orders': 0, 'opsline.returns': 0, 'opsline.inventory': 3 },
    description:
      "Messages not yet applied per topic (high-water mark − the group's committed offset); null when the broker cannot be asked",
  })
  lagByTopic!: Record<string, number | null>;

  @ApiProperty({
    example: '2026-11-22T23:59:12.250Z',
    description:
      'When this answer was computed: every fact committed before is in it. Identical questions share an answer for up to 250 ms (plus one recomputation).',
  })
  computedAt!: string;
}

export class KpiReportView {
  @ApiProperty({ example: '2026-11-16T00:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-11-23T00:00:00.000Z' }) to!: string;
  @ApiProperty({ example: 'day', enum: ['hour', 'day', 'week', 'month'] }) granularity!: string;
  @ApiProperty({ type: KpiFiltersView }) filters!: KpiFiltersView;
  @ApiProperty({ type: [KpiBucketView] }) buckets!: KpiBucketView[];
  @ApiProperty({ type: KpiMetricsView, description: 'Over the whole range, from the facts (not averaged)' })
  totals!: KpiMetricsView;
  @ApiProperty({ type: FreshnessView }) freshness!: FreshnessView;
}

export class ReturnReasonView {
  @ApiProperty({ example: 'SIZE_FIT' }) reasonCode!: string;
  @ApiProperty({ example: 14 }) units!: number;
  @ApiProperty({ example: 0.35, description: 'units ÷ all authorized units of the range' }) share!: number;
}

export class InventoryPositionView {
  @ApiProperty({ example: 'WH-1' }) warehouseId!: string;
  @ApiProperty({ example: 'SKU-42' }) sku!: string;
  @ApiProperty({ example: 120 }) onHand!: number;
  @ApiProperty({ example: 20 }) reserved!: number;
  @ApiProperty({ example: 100 }) available!: number;
  @ApiProperty({ type: Number, nullable: true, example: 40 }) reorderPoint!: number | null;
  @ApiProperty({ example: false, description: 'available < reorderPoint' }) belowReorderPoint!: boolean;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 12.5,
    description: 'available ÷ (units shipped in the last 28 days ÷ 28); null when none shipped',
  })
  daysOfSupply!: number | null;
}
