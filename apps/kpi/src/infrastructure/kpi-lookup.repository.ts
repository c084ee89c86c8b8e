import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { KpiTables, LiveTables } from './kpi-tables';
import { LiveKpiTables } from './read-models/read-model-versions.repository';
import { withNamedParameters } from './named-parameters';

export interface ReasonUnitsRow {
  readonly reasonCode: string;
  readonly units: number;
}

export interface PositionWithShipmentsRow {
  readonly warehouseId: string;
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  readonly reorderPoint: number | null;
  readonly unitsShippedInWindow: number;
}

/** Reads of the return-reason breakdown and the current inventory positions. */
@Injectable()
export class KpiLookupRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LiveKpiTables) private readonly live: LiveTables,
  ) {}

  /** The live version's tables, read per statement so that a switch applies to the next query. */
  private get tables(): KpiTables {
    return this.live.tables;
  }

  /** Authorized return units per reason, requested in [from, to); warehouse = the order's as the order facts know it now. */
  async authorizedUnitsByReason(filter: {
    from: string;
    to: string;
    warehouseId: string | null;
    sku: string | null;
  }): Promise<ReasonUnitsRow[]> {
    const { text, parameters } = withNamedParameters(
      `SELECT rl.reason_code, sum(rl.authorized_quantity) AS units
       FROM ${this.tables.returns} r JOIN ${this.tables.returnLines} rl ON rl.return_id = r.return_id
         LEFT JOIN ${this.tables.orders} o ON o.order_id = r.order_id
       WHERE r.requested_at >= :from AND r.requested_at < :to AND rl.authorized_quantity > 0
         AND (:warehouseId::text IS NULL OR coalesce(o.warehouse_id, r.order_warehouse_id) = :warehouseId)
         AND (:sku::text IS NULL OR rl.sku = :sku)
       GROUP BY rl.reason_code`,
      filter,
    );
    const rows = (await this.dataSource.query(text, parameters)) as { reason_code: string; units: string }[];
    return rows.map((row) => ({ reasonCode: row.reason_code, units: Number(row.units) }));
  }

  /** Current positions with the units shipped from each in (since, until]. */
  async positionsWithShipments(filter: {
    warehouseId: string | null;
    sku: string | null;
    since: string;
    until: string;
  }): Promise<PositionWithShipmentsRow[]> {
    const { text, parameters } = withNamedParameters(
      `SELECT p.warehouse_id, p.sku, p.on_hand, p.reserved, p.available, p.reorder_point,
         coalesce((SELECT sum(s.quantity) FROM ${this.tables.shipmentLines} s
           WHERE s.warehouse_id = p.warehouse_id AND s.sku = p.sku
             AND s.shipped_at > :since AND s.shipped_at <= :until), 0) AS shipped
       FROM ${this.tables.positions} p
       WHERE (:warehouseId::text IS NULL OR p.warehouse_id = :warehouseId) AND (:sku::text IS NULL OR p.sku = :sku)
       ORDER BY p.warehouse_id, p.sku`,
      filter,
    );
    const rows = (await this.dataSource.query(text, parameters)) as {
      warehouse_id: string;
      sku: string;
      on_hand: number;
      reserved: number;
      available: number;
      reorder_point: number | null;
      shipped: string;
    }[];
    return rows.map((row) => ({
      warehouseId: row.warehouse_id,
      sku: row.sku,
      onHand: row.on_hand,
      reserved: row.reserved,
      available: row.available,
      reorderPoint: row.reorder_point,
      unitsShippedInWindow: Number(row.shipped),
    }));
  }

  /** Newest business time of any event applied, over every topic. */
  async newestEventTime(): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT max(newest_event_time) AS newest FROM ${this.tables.topicFreshness}`,
    )) as { newest: Date | null }[];
    return rows[0]?.newest?.toISOString() ?? null;
  }
}
