import { Injectable } from '@nestjs/common';
import { DAYS_OF_SUPPLY_WINDOW_DAYS, daysOfSupply, isBelowReorderPoint } from '../domain/inventory-kpis';
import { reasonShares, ReturnReasonShare } from '../domain/return-reasons';
import { KpiLookupRepository } from '../infrastructure/kpi-lookup.repository';
import { assertFromBeforeTo } from './get-kpis.use-case';

export interface InventoryPositionKpis {
  readonly warehouseId: string;
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  readonly reorderPoint: number | null;
  readonly belowReorderPoint: boolean;
  readonly daysOfSupply: number | null;
}

const DAY_MS = 86_400_000;

/** `GET /kpis/returns/reasons` and `GET /kpis/inventory`. */
@Injectable()
export class KpiLookupsUseCase {
  constructor(private readonly repository: KpiLookupRepository) {}

  async returnReasons(filter: {
    from: string;
    to: string;
    warehouseId: string | null;
    sku: string | null;
  }): Promise<ReturnReasonShare[]> {
    assertFromBeforeTo(filter.from, filter.to);
    return reasonShares(await this.repository.authorizedUnitsByReason(filter));
  }

  /** Positions now; daysOfSupply over the units shipped in the 28 days up to `now`. */
  async inventory(
    filter: { warehouseId: string | null; sku: string | null },
    now: Date = new Date(),
  ): Promise<InventoryPositionKpis[]> {
    const rows = await this.repository.positionsWithShipments({
      ...filter,
      since: new Date(now.getTime() - DAYS_OF_SUPPLY_WINDOW_DAYS * DAY_MS).toISOString(),
      until: now.toISOString(),
    });
    return rows.map((row) => ({
      warehouseId: row.warehouseId,
      sku: row.sku,
      onHand: row.onHand,
      reserved: row.reserved,
      available: row.available,
      reorderPoint: row.reorderPoint,
      belowReorderPoint: isBelowReorderPoint(row.available, row.reorderPoint),
      daysOfSupply: daysOfSupply(row.available, row.unitsShippedInWindow),
    }));
  }
}
