import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@opsline/platform';
import { PositionReconciliationResult, PositionReconciliationRunner } from './position-reconciliation.runner';

/** Positions against the stock ledger, on demand. */
@ApiTags('inventory')
@Controller('inventory/reconciliation')
export class PositionReconciliationController {
  constructor(private readonly runner: PositionReconciliationRunner) {}

  @Get()
  @RequireScopes('admin')
  @ApiOperation({
    summary: 'Checks now that every stock position (on-hand, reserved) is what its ledger adds up to',
    description:
      'Reads positions and the whole ledger in one snapshot and folds each position’s ledger as GET /inventory/ledger does. Admin only: it covers every warehouse. Also runs every INVENTORY_RECONCILIATION_INTERVAL_MS (gauge opsline_inventory_reconciliation_drift).',
  })
  @ApiOkResponse({
    description:
      '{ status: ok|drift, checkedAt, durationMs, positionsCompared, ledgerEntries, driftCount, drift: [{ warehouseId, sku, field: onHand|reserved, stored, fromLedger }] }',
  })
  async check(): Promise<PositionReconciliationResult> {
    return this.runner.check();
  }
}
