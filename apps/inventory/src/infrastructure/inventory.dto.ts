import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOpslineId, MAX_QUANTITY } from '@opsline/contracts';
import { IsDefined, IsInt, IsOptional, Max, Min } from 'class-validator';

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
