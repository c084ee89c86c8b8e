import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  assertWarehouseAllowed,
  CurrentPrincipal,
  ErrorResponseDto,
  Principal,
  RequireScopes,
} from '@opsline/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SetReorderPolicyUseCase } from '../application/set-reorder-policy.use-case';
import { isBelowReorderPoint } from '../domain/reorder-policy';
import {
  PolicyPath,
  PositionsQuery,
  PositionView,
  ReorderPolicyBody,
  ReorderPolicyView,
} from './inventory.dto';
import { InventoryRepository } from './inventory.repository';

/** Stock positions and reorder policies. */
@ApiTags('inventory')
@Controller('inventory')
export class InventoryController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: InventoryRepository,
    private readonly setReorderPolicy: SetReorderPolicyUseCase,
  ) {}

  @Get('positions')
  @RequireScopes('inventory:read')
  @ApiOperation({ summary: 'Current positions per warehouse × SKU, optionally filtered' })
  @ApiOkResponse({ type: PositionView, isArray: true })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A filter is not a valid id' })
  async positions(@Query() query: PositionsQuery): Promise<PositionView[]> {
    const rows = await this.repository.findPositions(this.dataSource.manager, query);
    return rows.map((row) => ({ ...row, belowReorderPoint: isBelowReorderPoint(row) }));
  }

  @Put('policies/:warehouseId/:sku')
  @RequireScopes('warehouse:write')
  @ApiOperation({
    summary: "Sets a position's reorder point; a warehouse-limited key only for its warehouse",
  })
  @ApiOkResponse({ type: ReorderPolicyView })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'reorderPoint is not an integer ≥ 0' })
  async putPolicy(
    @Param() path: PolicyPath,
    @Body() body: ReorderPolicyBody,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<ReorderPolicyView> {
    if (principal !== undefined) assertWarehouseAllowed(principal, path.warehouseId);
    const { available } = await this.dataSource.transaction((manager) =>
      this.setReorderPolicy.execute(manager, {
        warehouseId: path.warehouseId,
        sku: path.sku,
        reorderPoint: body.reorderPoint,
        at: new Date().toISOString(),
        requestId: randomUUID(),
      }),
    );
    return {
      warehouseId: path.warehouseId,
      sku: path.sku,
      reorderPoint: body.reorderPoint,
      available,
      belowReorderPoint: available < body.reorderPoint,
    };
  }
}
