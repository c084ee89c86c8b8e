import type { StockLedgerEntry } from './stock-ledger';
import { computeStockPositions, StockPosition } from './stock-position';
import { compareIds } from './ordering';

/** A stored position number that its ledger does not add up to. */
export interface PositionLedgerDrift {
  readonly warehouseId: string;
  readonly sku: string;
  readonly field: 'onHand' | 'reserved';
  /** What `stock_positions` holds (0 when the row is missing). */
  readonly stored: number;
  /** What the position's ledger sums to (0 when it has no entries). */
  readonly fromLedger: number;
}

type StoredPosition = Pick<StockPosition, 'warehouseId' | 'sku' | 'onHand' | 'reserved'>;

/**
 * Each stored position against the fold of its ledger ({@link computeStockPositions}): every field
 * that differs, in warehouse × SKU order. A position without a row or without entries counts as 0/0
 * on that side (a reorder policy may create an empty row; an entry without a row is a lost write).
 */
export function positionsAgainstLedger(
  stored: readonly StoredPosition[],
  ledger: Iterable<StockLedgerEntry>,
): PositionLedgerDrift[] {
  const keyOf = (p: { warehouseId: string; sku: string }): string => `${p.warehouseId}\u0000${p.sku}`;
  const fromLedger = new Map(
    computeStockPositions(ledger).map((view) => [keyOf(view.position), view.position]),
  );
  const storedByKey = new Map(stored.map((p) => [keyOf(p), p]));
  const keys = new Set([...storedByKey.keys(), ...fromLedger.keys()]);
  const drift: PositionLedgerDrift[] = [];
  for (const key of keys) {
    const [warehouseId, sku] = key.split('\u0000');
    const row = storedByKey.get(key);
    const folded = fromLedger.get(key);
    for (const field of ['onHand', 'reserved'] as const) {
      const storedValue = row?.[field] ?? 0;
      const ledgerValue = folded?.[field] ?? 0;
      if (storedValue !== ledgerValue)
        drift.push({ warehouseId, sku, field, stored: storedValue, fromLedger: ledgerValue });
    }
  }
  return drift.sort(
    (a, b) =>
      compareIds(a.warehouseId, b.warehouseId) || compareIds(a.sku, b.sku) || compareIds(a.field, b.field),
  );
}
