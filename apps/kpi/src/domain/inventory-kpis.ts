/** Inventory position KPIs of `GET /kpis/inventory` (contract §5, last paragraph). */

/** The window of shipments `daysOfSupply` is averaged over. */
export const DAYS_OF_SUPPLY_WINDOW_DAYS = 28;

/** `available ÷ (units shipped in the last 28 days ÷ 28)`; null when nothing shipped. */
export function daysOfSupply(available: number, unitsShippedInWindow: number): number | null {
  if (unitsShippedInWindow <= 0) return null;
  return available / (unitsShippedInWindow / DAYS_OF_SUPPLY_WINDOW_DAYS);
}

/** `available < reorderPoint`, as the inventory service alerts; never below without a reorder point. */
export function isBelowReorderPoint(available: number, reorderPoint: number | null): boolean {
  return reorderPoint !== null && available < reorderPoint;
}
