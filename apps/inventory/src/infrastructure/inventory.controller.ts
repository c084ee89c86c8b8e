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
import { StockLedgerEntry } from '../domain/stock-ledger';
import { computeStockPosition } from '../domain/stock-position';
import {
  LedgerQuery,
  LedgerView,
  PolicyPath,
  PositionsQuery,
  PositionView,
  ReorderPolicyBody,
  ReorderPolicyView,
} from './inventory.dto';
import { InventoryRepository } from './inventory.repository';
import { StockLedgerRepository } from './stock-ledger.repository';

/** Stock positions and reorder policies. */
@ApiTags('inventory')
@Controller('inventory')
export class InventoryController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: InventoryRepository,
    private readonly stockLedger: StockLedgerRepository,
    private readonly setReorderPolicy: SetReorderPolicyUseCase,
  ) {}

  @Get('positions')
  @RequireScopes('inventory:read')
  @ApiOperation({
    summary:
      'Current positions per warehouse × SKU, optionally filtered; a warehouse-limited key only for its warehouse, named in warehouseId',
  })
  @ApiOkResponse({ type: PositionView, isArray: true })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A filter is not a valid id' })
  async positions(
    @Query() query: PositionsQuery,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<PositionView[]> {
    // A warehouse-limited key reads only its warehouse, so it must name it.
    if (principal !== undefined) assertWarehouseAllowed(principal, query.warehouseId);
    const rows = await this.repository.findPositions(this.dataSource.manager, query);
    return rows.map((row) => ({ ...row, belowReorderPoint: isBelowReorderPoint(row) }));
  }

  @Get('ledger')
  @RequireScopes('inventory:read')
  @ApiOperation({
    summary:
      "A position's ledger in business-time order, each entry with the running onHand and reserved; a warehouse-limited key only for its warehouse",
  })
  @ApiOkResponse({ type: LedgerView })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'warehouseId or sku is missing or not a valid id',
  })
  async ledger(
    @Query() query: LedgerQuery,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<LedgerView> {
    if (principal !== undefined) assertWarehouseAllowed(principal, query.warehouseId);
    const view = computeStockPosition(
      query.warehouseId,
      query.sku,
      await this.stockLedger.ledgerOf(this.dataSource.manager, query),
    );
    return {
      ...view.position,
      entries: view.explained.map((explained) => ({
        at: explained.entry.at,
        kind: explained.entry.kind,
        quantity: movementQuantity(explained.entry),
        reference: explained.key,
        onHandDelta: explained.onHandDelta,
        reservedDelta: explained.reservedDelta,
        onHand: explained.onHandAfter,
        reserved: explained.reservedAfter,
      })),
    };
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

/** The number a ledger entry carries: its units, an adjustment's delta, a count's counted quantity. */
function movementQuantity(entry: StockLedgerEntry): number {
  switch (entry.kind) {
    case 'adjustment':
      return entry.quantityDelta;
    case 'count':
      return entry.countedQuantity;
    default:
      return entry.quantity;
  }
}
