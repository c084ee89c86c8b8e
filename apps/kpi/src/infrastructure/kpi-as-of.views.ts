import { ApiProperty } from '@nestjs/swagger';
import { LINEAGE_METRICS } from '../domain/lineage';
import { KpiBucketView, KpiFiltersView, KpiMetricsView } from './kpi-http.views';

/** OpenAPI shapes of `GET /kpis?asOf=` and `GET /kpis/lineage`. */

export class AsOfBucketView extends KpiBucketView {
  @ApiProperty({
    example: true,
    description:
      "True when this bucket's metrics today differ from what was known at asOf (a later event restated it)",
  })
  restated!: boolean;
}

export class AsOfKpiReportView {
  @ApiProperty({ example: '2026-11-18T00:00:00.000Z', description: 'The time the answer is as of (echoed)' })
  asOf!: string;

  @ApiProperty({ example: '2026-11-16T00:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-11-23T00:00:00.000Z' }) to!: string;
  @ApiProperty({ example: 'day', enum: ['hour', 'day', 'week', 'month'] }) granularity!: string;
  @ApiProperty({ type: KpiFiltersView }) filters!: KpiFiltersView;
  @ApiProperty({ type: [AsOfBucketView] }) buckets!: AsOfBucketView[];
  @ApiProperty({ type: KpiMetricsView }) totals!: KpiMetricsView;

  @ApiProperty({ example: false, description: 'True when the totals today differ from those known at asOf' })
  totalsRestated!: boolean;

  @ApiProperty({ example: 1200, description: 'Events known at asOf (journal entries replayed)' })
  eventsReplayed!: number;
}

export class LineageFactView {
  @ApiProperty({
    enum: [
      'order',
      'orderLine',
      'shipmentLine',
      'return',
      'returnLine',
      'inspection',
      'inspectionLine',
      'cycleCount',
    ],
  })
  kind!: string;

  @ApiProperty({
    example: 'ORD-1001',
    description: 'Natural key (lines: ORD-1001/2, shipment lines: order/shipment/lineNo)',
  })
  key!: string;

  @ApiProperty({ example: 1, description: 'What the fact adds to the numerator (to the value, for a sum)' })
  numerator!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 1,
    description: 'What it adds to the denominator; null for a sum',
  })
  denominator!: number | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: {
      orderId: 'ORD-1001',
      lastShippedAt: '2026-11-16T12:00:00.000Z',
      promisedShipBy: '2026-11-16T18:00:00.000Z',
      onTime: true,
    },
    description: 'The fact fields the metric reads and what follows from them',
  })
  fact!: Record<string, unknown>;

  @ApiProperty({
    type: [String],
    description: "The events that produced the fact (its aggregate's, in log order)",
  })
  eventIds!: string[];
}

export class LineagePageView {
  @ApiProperty({ enum: LINEAGE_METRICS }) metric!: string;
  @ApiProperty({ example: '2026-11-16T00:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-11-17T00:00:00.000Z' }) to!: string;
  @ApiProperty({ type: KpiFiltersView }) filters!: KpiFiltersView;
  @ApiProperty({ type: String, nullable: true, example: null }) asOf!: string | null;

  @ApiProperty({
    enum: ['sum', 'ratio', 'average'],
    description: 'value = Σ numerator (sum), Σ numerator ÷ Σ denominator (ratio, average; null when 0)',
  })
  combination!: string;

  @ApiProperty({ example: 9, description: 'Σ numerator over every fact (all pages)' }) numerator!: number;
  @ApiProperty({ type: Number, nullable: true, example: 10 }) denominator!: number | null;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'object' }],
    nullable: true,
    example: 0.9,
    description: 'The metric as GET /kpis answers it for this bucket and filters',
  })
  value!: unknown;

  @ApiProperty({ example: 10, description: 'Facts behind the number (all pages)' }) factCount!: number;
  @ApiProperty({ type: [LineageFactView] }) facts!: LineageFactView[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next page; null on the last' })
  nextCursor!: string | null;
  @ApiProperty({ example: 1200 }) eventsReplayed!: number;
}
