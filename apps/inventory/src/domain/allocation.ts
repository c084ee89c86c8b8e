import { Backorder } from './backorder-queue';
import { OrderLineUnits, StockBackorderedEvent, StockReservedEvent } from './inventory-events';
import { compareIds } from './ordering';
import { ReservationEntry } from './stock-ledger';

/** Trigger of reservations made by an order's first allocation attempt. */
export const ALLOCATION_TRIGGER = 'allocation';

/** An order as `opsline.order.placed.v1` describes it, reduced to what allocation needs. */
export interface OrderToAllocate {
  readonly orderId: string;
  /** Event `time` of the placement: business time of the reservations and backorders. */
  readonly placedAt: string;
  /** When given, the order is allocated there and nowhere else. */
  readonly warehouseId?: string;
  /**
   * Units still to allocate per line (normally the ordered quantity; an application that saw a
   * shipment before the placement passes what is left).
   */
  readonly lines: readonly OrderLineUnits[];
}

/** Available units at a warehouse × SKU right now (may be ≤ 0; a position never seen is 0). */
export type AvailableUnits = (warehouseId: string, sku: string) => number;

/** One line's outcome. `reserved + backordered = ordered`. */
export interface LineAllocation {
  readonly lineId: string;
  readonly sku: string;
  readonly ordered: number;
  readonly reserved: number;
  readonly backordered: number;
}

/** How the warehouse was chosen. */
export type WarehouseChoice = 'order-warehouse' | 'most-units';

/** An allocation made. */
export interface AllocationDecision {
  readonly ok: true;
  readonly orderId: string;
  readonly warehouseId: string;
  readonly chosenBy: WarehouseChoice;
  /** In the order's own line order. */
  readonly lines: readonly LineAllocation[];
  readonly reservations: readonly ReservationEntry[];
  /** To add to the backorder queue with `enqueueBackorders`. */
  readonly backorders: readonly Backorder[];
  /** `stock.reserved` (if anything was reserved), then `stock.backordered` (if anything is short). */
  readonly events: readonly (StockReservedEvent | StockBackorderedEvent)[];
}

/** An order that could not be allocated, with a stable code. */
export interface AllocationRefused {
  readonly ok: false;
  readonly orderId: string;
  /** No warehouse named on the order and none known to inventory. */
  readonly code: 'INVENTORY.NO_WAREHOUSE';
}

/**
 * Reserves what each line can get at one warehouse, in line-id order ({@link compareIds}) so that
 * two lines of one SKU share its available units the same way whatever order the channel listed
 * them in (the orders service also treats line order as meaningless). A line gets
 * `min(ordered, available left)`; negative available counts as none. Line ids are unique per order
 * (validated at ingest).
 */
export function planLineAllocations(
  lines: readonly OrderLineUnits[],
  warehouseId: string,
  available: AvailableUnits,
): LineAllocation[] {
  const left = new Map<string, number>();
  const planned = new Map<string, LineAllocation>();
  for (const line of [...lines].sort((a, b) => compareIds(a.lineId, b.lineId))) {
    const free = left.get(line.sku) ?? Math.max(0, available(warehouseId, line.sku));
    const reserved = Math.min(line.quantity, free);
    left.set(line.sku, free - reserved);
    planned.set(line.lineId, {
      lineId: line.lineId,
      sku: line.sku,
      ordered: line.quantity,
      reserved,
      backordered: line.quantity - reserved,
    });
  }
  return lines.map((line) => planned.get(line.lineId) as LineAllocation);
}

/** Units an order could get at a warehouse across all its lines. */
export function unitsFillableAt(
  lines: readonly OrderLineUnits[],
  warehouseId: string,
  available: AvailableUnits,
): number {
  return planLineAllocations(lines, warehouseId, available).reduce((sum, line) => sum + line.reserved, 0);
}

/**
 * The order's warehouse if it names one (even if it can fill nothing there); otherwise the
 * candidate that can fill the most units across the order's lines, ties going to the lowest id in
 * {@link compareIds} order (`WH-10` before `WH-2`). Null when there is no candidate at all.
 */
export function chooseWarehouse(
  order: OrderToAllocate,
  candidateWarehouseIds: readonly string[],
  available: AvailableUnits,
): { warehouseId: string; chosenBy: WarehouseChoice } | null {
  if (order.warehouseId !== undefined) return { warehouseId: order.warehouseId, chosenBy: 'order-warehouse' };
  let best: { warehouseId: string; units: number } | null = null;
  for (const warehouseId of candidateWarehouseIds) {
    const units = unitsFillableAt(order.lines, warehouseId, available);
    const better =
      best === null ||
      units > best.units ||
      (units === best.units && compareIds(warehouseId, best.warehouseId) < 0);
    if (better) best = { warehouseId, units };
  }
  return best === null ? null : { warehouseId: best.warehouseId, chosenBy: 'most-units' };
}

/**
 * Allocates a placed order (issue 4): picks the warehouse ({@link chooseWarehouse}), reserves
 * `min(ordered, available)` per line there and backorders the rest of each short line. Candidates
 * are the warehouses inventory knows; `available` must already reflect backorder fills, so a new
 * order never takes units an older backorder is waiting for.
 */
export function allocateOrder(
  order: OrderToAllocate,
  candidateWarehouseIds: readonly string[],
  available: AvailableUnits,
): AllocationDecision | AllocationRefused {
  const choice = chooseWarehouse(order, candidateWarehouseIds, available);
  if (choice === null) return { ok: false, orderId: order.orderId, code: 'INVENTORY.NO_WAREHOUSE' };
  const { orderId, placedAt: at } = order;
  const { warehouseId } = choice;
  const lines = planLineAllocations(order.lines, warehouseId, available);

  const reservations: ReservationEntry[] = lines
    .filter((line) => line.reserved > 0)
    .map((line) => ({
      kind: 'reservation',
      warehouseId,
      sku: line.sku,
      at,
      orderId,
      lineId: line.lineId,
      trigger: ALLOCATION_TRIGGER,
      quantity: line.reserved,
    }));
  const backorders: Backorder[] = lines
    .filter((line) => line.backordered > 0)
    .map((line) => ({
      orderId,
      lineId: line.lineId,
      warehouseId,
      sku: line.sku,
      placedAt: at,
      quantity: line.backordered,
    }));

  const events: (StockReservedEvent | StockBackorderedEvent)[] = [];
  if (reservations.length > 0) {
    const reserved = reservations.map((r) => ({ lineId: r.lineId, sku: r.sku, quantity: r.quantity }));
    events.push({
      type: 'stock.reserved',
      orderId,
      warehouseId,
      at,
      cause: 'allocation',
      trigger: ALLOCATION_TRIGGER,
      lines: reserved,
    });
  }
  if (backorders.length > 0) {
    const short = backorders.map((b) => ({ lineId: b.lineId, sku: b.sku, quantity: b.quantity }));
    events.push({ type: 'stock.backordered', orderId, warehouseId, at, lines: short });
  }
  return {
    ok: true,
    orderId,
    warehouseId,
    chosenBy: choice.chosenBy,
    lines,
    reservations,
    backorders,
    events,
  };
}
