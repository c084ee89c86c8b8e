import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Backorder } from '../domain/backorder-queue';
import type { StockLevel } from '../domain/reorder-policy';
import type { LatestMovements, StockPosition } from '../domain/stock-position';

/** A warehouse × SKU. */
export interface PositionKey {
  readonly warehouseId: string;
  readonly sku: string;
}

/** `warehouseId/sku`, a map key (`/` cannot occur in an id). */
export function positionKeyOf({ warehouseId, sku }: PositionKey): string {
  return `${warehouseId}/${sku}`;
}

/** A position as read for the HTTP API. */
export interface PositionRow extends StockPosition {
  readonly reorderPoint: number | null;
}

/**
 * A position's level as locked before an event: what it had on hand and reserved, its policy, and
 * when its latest count and on-hand movement happened.
 */
export interface LockedLevel extends StockLevel, PositionKey {
  readonly onHand: number;
  readonly reserved: number;
  readonly latest: LatestMovements;
}

interface LevelRow {
  warehouse_id: string;
  sku: string;
  on_hand: number;
  reserved: number;
  reorder_point: number | null;
  latest_count_at: string | null;
  latest_movement_at: string | null;
}

function lockedLevelOf(row: LevelRow): LockedLevel {
  return {
    warehouseId: row.warehouse_id,
    sku: row.sku,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: row.on_hand - row.reserved,
    reorderPoint: row.reorder_point,
    latest: { countAt: row.latest_count_at ?? undefined, movementAt: row.latest_movement_at ?? undefined },
  };
}

/** The columns of a locked level. */
const LEVEL_COLUMNS = `p.warehouse_id, p.sku, p.on_hand, p.reserved, r.reorder_point,
       p.latest_count_at, p.latest_movement_at`;

interface BackorderRow {
  order_id: string;
  line_id: string;
  warehouse_id: string;
  sku: string;
  placed_at: Date;
  quantity: number;
}

/**
 * The statements of the positions, backorders, reorder policies and allocations (the ledger's are
 * `StockLedgerRepository`'s). Every method takes the caller's transaction; statements are plain SQL
 * for the `ON CONFLICT` and `FOR UPDATE` they need.
 */
@Injectable()
export class InventoryRepository {
  /**
   * Locks positions (in key order, so two transactions never wait on each other crosswise),
   * creating those that do not exist yet; returns each one's current level with its reorder point.
   * Inside a consumer run they exist and are locked already (`RunPositionLocks`), so this is one
   * statement that reads their levels as the run's earlier events left them.
   */
  async lockPositions(
    manager: EntityManager,
    keys: readonly PositionKey[],
  ): Promise<Map<string, LockedLevel>> {
    return this.lockPositionsForRun(manager, keys, []);
  }

  /**
   * Locks, in key order, every position a run of orders may touch: the named positions (created
   * when missing) and every existing position of `anyWarehouseSkus` (orders without a warehouse may
   * be allocated at any warehouse with stock). Taken before the run is applied, so two consumers
   * applying interleaved runs never wait on each other crosswise. Returns the locked positions'
   * levels; one statement when they all exist already.
   */
  async lockPositionsForRun(
    manager: EntityManager,
    named: readonly PositionKey[],
    anyWarehouseSkus: readonly string[],
  ): Promise<Map<string, LockedLevel>> {
    if (named.length === 0 && anyWarehouseSkus.length === 0) return new Map();
    const warehouses = named.map((key) => key.warehouseId);
    const skus = named.map((key) => key.sku);
    // Existing positions are locked before missing ones are created: a transaction that inserted a
    // position and then waited for one we hold, while we wait for its insert, would be a deadlock.
    const locked = await this.selectLevelsForUpdate(manager, warehouses, skus, anyWarehouseSkus);
    const missing = named.filter((key) => !locked.has(positionKeyOf(key)));
    if (missing.length === 0) return locked;
    await manager.query(
      `INSERT INTO inventory.stock_positions (warehouse_id, sku)
       SELECT k.warehouse_id, k.sku FROM unnest($1::text[], $2::text[]) AS k(warehouse_id, sku)
       ORDER BY k.warehouse_id COLLATE "C", k.sku COLLATE "C" ON CONFLICT DO NOTHING`,
      [missing.map((key) => key.warehouseId), missing.map((key) => key.sku)],
    );
    return this.selectLevelsForUpdate(manager, warehouses, skus, anyWarehouseSkus);
  }

  private async selectLevelsForUpdate(
    manager: EntityManager,
    warehouses: readonly string[],
    skus: readonly string[],
    anyWarehouseSkus: readonly string[],
  ): Promise<Map<string, LockedLevel>> {
    const rows = (await manager.query(
      `SELECT ${LEVEL_COLUMNS}
         FROM inventory.stock_positions p
         LEFT JOIN inventory.reorder_policies r USING (warehouse_id, sku)
        WHERE (p.warehouse_id, p.sku) IN (SELECT * FROM unnest($1::text[], $2::text[]))
           OR p.sku = ANY($3::text[])
        ORDER BY p.warehouse_id COLLATE "C", p.sku COLLATE "C"
        FOR UPDATE OF p`,
      [[...warehouses], [...skus], [...anyWarehouseSkus]],
    )) as LevelRow[];
    return new Map(
      rows.map((row) => [positionKeyOf({ warehouseId: row.warehouse_id, sku: row.sku }), lockedLevelOf(row)]),
    );
  }

  /** Of `orderIds`, those inventory has already allocated. */
  async allocatedAmong(manager: EntityManager, orderIds: readonly string[]): Promise<Set<string>> {
    const rows = (await manager.query(
      `SELECT order_id FROM inventory.order_allocations WHERE order_id = ANY($1::text[])`,
      [[...orderIds]],
    )) as { order_id: string }[];
    return new Set(rows.map((row) => row.order_id));
  }

  /** Remembers orders as allocated at their warehouses (one statement). */
  async recordAllocations(
    manager: EntityManager,
    allocations: readonly { orderId: string; warehouseId: string; placedAt: string }[],
  ): Promise<void> {
    if (allocations.length === 0) return;
    await manager.query(
      `INSERT INTO inventory.order_allocations (order_id, warehouse_id, placed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) ON CONFLICT (order_id) DO NOTHING`,
      [
        allocations.map((a) => a.orderId),
        allocations.map((a) => a.warehouseId),
        allocations.map((a) => a.placedAt),
      ],
    );
  }

  /** Every warehouse inventory has a position at, in id order. */
  async knownWarehouses(manager: EntityManager): Promise<string[]> {
    const rows = (await manager.query(
      `SELECT warehouse_id FROM inventory.stock_positions GROUP BY warehouse_id ORDER BY warehouse_id COLLATE "C"`,
    )) as { warehouse_id: string }[];
    return rows.map((row) => row.warehouse_id);
  }

  /** The backorders waiting at any of the positions. */
  async backordersAtPositions(manager: EntityManager, keys: readonly PositionKey[]): Promise<Backorder[]> {
    if (keys.length === 0) return [];
    return this.selectBackorders(
      manager,
      '(warehouse_id, sku) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [keys.map((key) => key.warehouseId), keys.map((key) => key.sku)],
    );
  }

  /** Stores positions' on-hand and reserved in one statement, creating those that do not exist yet. */
  async savePositions(manager: EntityManager, positions: readonly StockPosition[]): Promise<void> {
    if (positions.length === 0) return;
    await manager.query(
      `INSERT INTO inventory.stock_positions (warehouse_id, sku, on_hand, reserved)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])
       ON CONFLICT (warehouse_id, sku)
       DO UPDATE SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved, updated_at = now()`,
      [
        positions.map((p) => p.warehouseId),
        positions.map((p) => p.sku),
        positions.map((p) => p.onHand),
        positions.map((p) => p.reserved),
      ],
    );
  }

  /** Stores a position's recomputed on-hand and reserved, and the times of its latest movements. */
  async savePosition(
    manager: EntityManager,
    position: StockPosition,
    latest: LatestMovements,
  ): Promise<void> {
    await manager.query(
      `UPDATE inventory.stock_positions
          SET on_hand = $3, reserved = $4, latest_count_at = $5, latest_movement_at = $6, updated_at = now()
        WHERE warehouse_id = $1 AND sku = $2`,
      [
        position.warehouseId,
        position.sku,
        position.onHand,
        position.reserved,
        latest.countAt ?? null,
        latest.movementAt ?? null,
      ],
    );
  }

  /** The backorders waiting at a position. */
  async backordersAt(manager: EntityManager, key: PositionKey): Promise<Backorder[]> {
    return this.selectBackorders(manager, 'warehouse_id = $1 AND sku = $2', [key.warehouseId, key.sku]);
  }

  /** The backorders of one order. */
  async backordersOfOrder(manager: EntityManager, orderId: string): Promise<Backorder[]> {
    return this.selectBackorders(manager, 'order_id = $1', [orderId]);
  }

  /**
   * Replaces the backorders of `before` (as stored) by `after`: lines gone are deleted, new or
   * changed ones upserted, unchanged ones left alone.
   */
  async replaceBackorders(
    manager: EntityManager,
    before: readonly Backorder[],
    after: readonly Backorder[],
  ): Promise<void> {
    const kept = new Set(after.map((b) => `${b.orderId}#${b.lineId}`));
    const gone = before.filter((b) => !kept.has(`${b.orderId}#${b.lineId}`));
    const quantityBefore = new Map(before.map((b) => [`${b.orderId}#${b.lineId}`, b.quantity]));
    const changed = after.filter((b) => quantityBefore.get(`${b.orderId}#${b.lineId}`) !== b.quantity);
    if (gone.length > 0) {
      await manager.query(
        `DELETE FROM inventory.backorders
          WHERE (order_id, line_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [gone.map((b) => b.orderId), gone.map((b) => b.lineId)],
      );
    }
    if (changed.length === 0) return;
    await manager.query(
      `INSERT INTO inventory.backorders (order_id, line_id, warehouse_id, sku, placed_at, quantity)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[])
       ON CONFLICT (order_id, line_id) DO UPDATE SET quantity = EXCLUDED.quantity`,
      [
        changed.map((b) => b.orderId),
        changed.map((b) => b.lineId),
        changed.map((b) => b.warehouseId),
        changed.map((b) => b.sku),
        changed.map((b) => b.placedAt),
        changed.map((b) => b.quantity),
      ],
    );
  }

  /** The warehouse the order was allocated to; null when inventory has not allocated it. */
  async allocatedWarehouseOf(manager: EntityManager, orderId: string): Promise<string | null> {
    const rows = (await manager.query(
      `SELECT warehouse_id FROM inventory.order_allocations WHERE order_id = $1`,
      [orderId],
    )) as { warehouse_id: string }[];
    return rows[0]?.warehouse_id ?? null;
  }

  /** The warehouse each of `orderIds` was allocated to, for those allocated. */
  async allocatedWarehousesOf(
    manager: EntityManager,
    orderIds: readonly string[],
  ): Promise<Map<string, string>> {
    if (orderIds.length === 0) return new Map();
    const rows = (await manager.query(
      `SELECT order_id, warehouse_id FROM inventory.order_allocations WHERE order_id = ANY($1::text[])`,
      [[...orderIds]],
    )) as { order_id: string; warehouse_id: string }[];
    return new Map(rows.map((row) => [row.order_id, row.warehouse_id]));
  }

  /** Sets a position's reorder point. */
  async upsertPolicy(manager: EntityManager, key: PositionKey, reorderPoint: number): Promise<void> {
    await manager.query(
      `INSERT INTO inventory.reorder_policies (warehouse_id, sku, reorder_point) VALUES ($1, $2, $3)
       ON CONFLICT (warehouse_id, sku) DO UPDATE SET reorder_point = EXCLUDED.reorder_point, updated_at = now()`,
      [key.warehouseId, key.sku, reorderPoint],
    );
  }

  /** Positions with their reorder point, optionally filtered, ordered by warehouse then SKU. */
  async findPositions(
    manager: EntityManager,
    filter: { warehouseId?: string; sku?: string },
  ): Promise<PositionRow[]> {
    const rows = (await manager.query(
      `SELECT p.warehouse_id, p.sku, p.on_hand, p.reserved, r.reorder_point
         FROM inventory.stock_positions p
         LEFT JOIN inventory.reorder_policies r USING (warehouse_id, sku)
        WHERE ($1::text IS NULL OR p.warehouse_id = $1) AND ($2::text IS NULL OR p.sku = $2)
        ORDER BY p.warehouse_id COLLATE "C", p.sku COLLATE "C"`,
      [filter.warehouseId ?? null, filter.sku ?? null],
    )) as LevelRow[];
    return rows.map((row) => ({
      warehouseId: row.warehouse_id,
      sku: row.sku,
      onHand: row.on_hand,
      reserved: row.reserved,
      available: row.on_hand - row.reserved,
      reorderPoint: row.reorder_point,
    }));
  }

  private async selectBackorders(
    manager: EntityManager,
    where: string,
    params: unknown[],
  ): Promise<Backorder[]> {
    const rows = (await manager.query(
      `SELECT order_id, line_id, warehouse_id, sku, placed_at, quantity FROM inventory.backorders
        WHERE ${where} ORDER BY placed_at, order_id COLLATE "C", line_id COLLATE "C"`,
      params,
    )) as BackorderRow[];
    return rows.map((row) => ({
      orderId: row.order_id,
      lineId: row.line_id,
      warehouseId: row.warehouse_id,
      sku: row.sku,
      placedAt: new Date(row.placed_at).toISOString(),
      quantity: row.quantity,
    }));
  }
}
