import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOpslineId, MAX_QUANTITY } from '@opsline/contracts';
import { IsDefined, IsInt, IsOptional, Max, Min } from 'class-validator';
import { STOCK_MOVEMENT_KINDS } from '../domain/stock-ledger';

/** Query of `GET /inventory/positions`. */
export class PositionsQuery {
  @ApiPropertyOptional({ example: 'WH-1' })
  @IsOptional()
  @IsOpslineId()
  warehouseId?: string;

  @ApiPropertyOptional({ example: 'SKU-42' })
  @IsOptional()
  @IsOpslineId()
  sku?: string;
}

/** Path of `PUT /inventory/policies/{warehouseId}/{sku}`. */
export class PolicyPath {
  @ApiProperty({ example: 'WH-1' })
  @IsOpslineId()
  warehouseId!: string;

  @ApiProperty({ example: 'SKU-42' })
  @IsOpslineId()
  sku!: string;
}

/** Body of `PUT /inventory/policies/{warehouseId}/{sku}`. */
export class ReorderPolicyBody {
  /** Available units strictly below it are "low": an integer ≥ 0. */
  @ApiProperty({ example: 10, minimum: 0, maximum: MAX_QUANTITY, type: 'integer' })
  @IsDefined({ message: 'reorderPoint is required' })
  @IsInt({ message: 'reorderPoint must be an integer' })
  @Min(0)
  @Max(MAX_QUANTITY)
  reorderPoint!: number;
}

/** One warehouse × SKU position. `available = onHand − reserved` (may be negative). */
export class PositionView {
  @ApiProperty() warehouseId!: string;
  @ApiProperty() sku!: string;
  @ApiProperty({ type: 'integer' }) onHand!: number;
  @ApiProperty({ type: 'integer' }) reserved!: number;
  @ApiProperty({ type: 'integer' }) available!: number;
  @ApiProperty({ type: 'integer', nullable: true }) reorderPoint!: number | null;
  @ApiProperty() belowReorderPoint!: boolean;
}

/** The reorder policy as stored. */
export class ReorderPolicyView {
  @ApiProperty() warehouseId!: string;
  @ApiProperty() sku!: string;
  @ApiProperty({ type: 'integer' }) reorderPoint!: number;
  @ApiProperty({ type: 'integer' }) available!: number;
  @ApiProperty() belowReorderPoint!: boolean;
}

/** Query of `GET /inventory/ledger`: both parameters are required. */
export class LedgerQuery {
  @ApiProperty({ example: 'WH-1' })
  @IsDefined({ message: 'warehouseId is required' })
  @IsOpslineId()
  warehouseId!: string;

  @ApiProperty({ example: 'SKU-42' })
  @IsDefined({ message: 'sku is required' })
  @IsOpslineId()
  sku!: string;
}

/** One ledger entry and the position right after it, in business-time order. */
export class LedgerEntryView {
  /** Business time of the movement. */
  @ApiProperty({ example: '2026-11-20T10:00:00.000Z' }) at!: string;
  @ApiProperty({ enum: STOCK_MOVEMENT_KINDS }) kind!: string;
  /**
   * Units of the movement: received, restocked, reserved, released or shipped; the signed delta of
   * an adjustment; the counted quantity of a cycle count.
   */
  @ApiProperty({ type: 'integer' }) quantity!: number;
  /** The entry's ledger key (`receipt:GR-1`, `reservation:ORD-1#1@allocation`, …). */
  @ApiProperty({ example: 'receipt:GR-1' }) reference!: string;
  @ApiProperty({ type: 'integer' }) onHandDelta!: number;
  @ApiProperty({ type: 'integer' }) reservedDelta!: number;
  /** Running on-hand after this entry. */
  @ApiProperty({ type: 'integer' }) onHand!: number;
  /** Running reserved after this entry. */
  @ApiProperty({ type: 'integer' }) reserved!: number;
}

/** A position with the ledger entries that explain it. */
export class LedgerView {
  @ApiProperty() warehouseId!: string;
  @ApiProperty() sku!: string;
  @ApiProperty({ type: 'integer' }) onHand!: number;
  @ApiProperty({ type: 'integer' }) reserved!: number;
  @ApiProperty({ type: 'integer' }) available!: number;
  @ApiProperty({ type: LedgerEntryView, isArray: true }) entries!: LedgerEntryView[];
}
