import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsOpslineId, RETURNS_RETURN_STATUSES, type ReturnsReturnStatus } from '@opsline/contracts';
import type { Return } from '../domain/return';

/** `GET /returns?status=&orderId=&from=&to=&limit=&cursor=`: request time in [from, to). */
export class ListReturnsQuery {
  @ApiPropertyOptional({ enum: RETURNS_RETURN_STATUSES })
  @IsOptional()
  @IsIn(RETURNS_RETURN_STATUSES)
  status?: ReturnsReturnStatus;

  @ApiPropertyOptional({ example: 'ORD-1001' })
  @IsOptional()
  @IsOpslineId()
  orderId?: string;

  @ApiPropertyOptional({
    description: 'Requested at or after (ISO-8601 UTC)',
    example: '2026-11-20T00:00:00.000Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  from?: string;

  @ApiPropertyOptional({
    description: 'Requested before (ISO-8601 UTC)',
    example: '2026-11-21T00:00:00.000Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
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

/** `POST /returns/{id}/close` body. */
export class CloseReturnBody {
  @ApiProperty({ example: 'customer kept the rest', maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  reason!: string;
}

/** A return as `GET /returns/{id}` shows it: its lines' progress, receipts, inspections, refunds and history. */
export class ReturnView {
  returnId!: string;
  orderId!: string;
  @ApiProperty({ enum: RETURNS_RETURN_STATUSES })
  status!: ReturnsReturnStatus;
  rejectionReason?: string;
  requestedAt!: string;
  channel?: string;
  currency?: string;
  orderWarehouseId?: string;
  /** Each line: requested `quantity`, authorized, received, inspected and refunded units, reason and price. */
  lines!: Return['lines'];
  receipts!: Return['receipts'];
  inspections!: Return['inspections'];
  refunds!: Return['refunds'];
  refundedAmountMinor!: number;
  firstReceivedAt?: string;
  closeReason?: string;
  /** Every transition in the order it was applied, with its business time and event type. */
  history!: Return['history'];
}

export class ReturnPage {
  items!: ReturnView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}

export function returnView(ret: Return): ReturnView {
  return {
    returnId: ret.returnId,
    orderId: ret.orderId,
    status: ret.status,
    ...(ret.rejectionReason === undefined ? {} : { rejectionReason: ret.rejectionReason }),
    requestedAt: ret.requestedAt,
    ...(ret.channel === undefined ? {} : { channel: ret.channel }),
    ...(ret.currency === undefined ? {} : { currency: ret.currency }),
    ...(ret.orderWarehouseId === undefined ? {} : { orderWarehouseId: ret.orderWarehouseId }),
    lines: ret.lines,
    receipts: ret.receipts,
    inspections: ret.inspections,
    refunds: ret.refunds,
    refundedAmountMinor: ret.refundedAmountMinor,
    ...(ret.firstReceivedAt === undefined ? {} : { firstReceivedAt: ret.firstReceivedAt }),
    ...(ret.closeReason === undefined ? {} : { closeReason: ret.closeReason }),
    history: ret.history,
  };
}
