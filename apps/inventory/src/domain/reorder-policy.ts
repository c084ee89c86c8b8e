import { StockLevelLowEvent } from './inventory-events';
import { instantOf } from './ordering';
import { ShipmentEntry } from './stock-ledger';
import { StockLedgerView } from './stock-position';

/** A position's reorder point (`PUT /inventory/policies/{warehouseId}/{sku}` `{ reorderPoint }`). */
export interface ReorderPolicy {
  readonly warehouseId: string;
  readonly sku: string;
  /** An integer ≥ 0; available strictly below it is "low". */
  readonly reorderPoint: number;
}

/** Available units and the reorder point in force, at one moment. No policy: never low. */
export interface StockLevel {
  readonly available: number;
  readonly reorderPoint: number | null;
}

/** `available < reorderPoint`; a position without a policy is never below. */
export function isBelowReorderPoint(level: StockLevel): boolean {
  return level.reorderPoint !== null && level.available < level.reorderPoint;
}

/** One change to a position: the level before and after it. */
export interface StockLevelChange {
  readonly warehouseId: string;
  readonly sku: string;
  /** Business time of the event that made the change. */
  readonly at: string;
  readonly before: StockLevel;
  readonly after: StockLevel;
}

/**
 * `stock.level-low` when a change takes a position from not-below to below its reorder point, and
 * null otherwise: not again for each movement while it stays below, again after it has recovered
 * (≥ the point) and crosses down once more. Because it compares states, not numbers, it also fires
 * when a new or raised policy puts current stock below the point — the user asked to hear about it.
 * Evaluate once per applied event, with `after` including that event's backorder fills, so an
 * arrival that is immediately handed to waiting orders does not flap the alert.
 */
export function detectLevelLow(change: StockLevelChange): StockLevelLowEvent | null {
  if (isBelowReorderPoint(change.before) || !isBelowReorderPoint(change.after)) return null;
  return {
    type: 'stock.level-low',
    warehouseId: change.warehouseId,
    sku: change.sku,
    at: change.at,
    available: change.after.available,
    reorderPoint: change.after.reorderPoint as number,
  };
}

/** Length of the demand window of {@link daysOfSupply}. */
export const DAYS_OF_SUPPLY_WINDOW_DAYS = 28;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A shipment's units at its business time (a `ShipmentEntry` fits). */
export interface ShippedUnits {
  readonly at: string;
  readonly quantity: number;
}

/** Units shipped in the 28 days up to `asOf`: business time in (asOf − 28 days, asOf]. */
export function unitsShippedInWindow(shipments: readonly ShippedUnits[], asOf: string): number {
  const end = instantOf(asOf);
  const start = end - DAYS_OF_SUPPLY_WINDOW_DAYS * DAY_MS;
  return shipments
    .filter((s) => {
      const at = instantOf(s.at);
      return at > start && at <= end;
    })
    .reduce((sum, s) => sum + s.quantity, 0);
}

/**
 * `available ÷ (units shipped in the last 28 days ÷ 28)` (contract §5), null when nothing shipped
 * in the window. Unrounded; taken literally, so negative available gives negative days — a
 * shortfall, not "0 days", which would hide how deep it is.
 */
export function daysOfSupply(
  available: number,
  shipments: readonly ShippedUnits[],
  asOf: string,
): number | null {
  const shipped = unitsShippedInWindow(shipments, asOf);
  if (shipped <= 0) return null;
  return (available * DAYS_OF_SUPPLY_WINDOW_DAYS) / shipped;
}

/** {@link daysOfSupply} of a position as of `asOf`, from its ledger's shipments (duplicates not counted twice). */
export function daysOfSupplyOfPosition(view: StockLedgerView, asOf: string): number | null {
  const shipments = view.explained
    .map((explained) => (explained.duplicate ? null : explained.entry))
    .filter((entry): entry is ShipmentEntry => entry?.kind === 'shipment');
  return daysOfSupply(view.position.available, shipments, asOf);
}
