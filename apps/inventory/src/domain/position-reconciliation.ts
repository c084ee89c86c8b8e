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
  const check = new PositionDriftCheck(stored);
  for (const view of computeStockPositions(ledger)) check.compare(view.position);
  return check.drift();
}

/**
 * {@link positionsAgainstLedger} one position at a time, so a caller can stream the ledger position
 * by position and hold only one position's entries at once.
 */
export class PositionDriftCheck {
  private readonly unmatched: Map<string, StoredPosition>;
  private readonly found: PositionLedgerDrift[] = [];

  constructor(stored: readonly StoredPosition[]) {
    this.unmatched = new Map(stored.map((p) => [keyOf(p), p]));
  }

  /** Compares a position folded from its whole ledger with its stored row (called once per position). */
  compare(fromLedger: StoredPosition): void {
    const key = keyOf(fromLedger);
    this.found.push(...fieldDrift(fromLedger, this.unmatched.get(key), fromLedger));
    this.unmatched.delete(key);
  }

  /** Every difference found, stored positions without ledger entries included, in warehouse × SKU order. */
  drift(): PositionLedgerDrift[] {
    const rowsWithoutEntries = [...this.unmatched.values()].flatMap((row) => fieldDrift(row, row, undefined));
    return [...this.found, ...rowsWithoutEntries].sort(
      (a, b) =>
        compareIds(a.warehouseId, b.warehouseId) || compareIds(a.sku, b.sku) || compareIds(a.field, b.field),
    );
  }
}

function keyOf(p: { warehouseId: string; sku: string }): string {
  return `${p.warehouseId}\u0000${p.sku}`;
}

function fieldDrift(
  { warehouseId, sku }: { warehouseId: string; sku: string },
  row: StoredPosition | undefined,
  folded: StoredPosition | undefined,
): PositionLedgerDrift[] {
  return (['onHand', 'reserved'] as const).flatMap((field) => {
    const storedValue = row?.[field] ?? 0;
    const ledgerValue = folded?.[field] ?? 0;
    return storedValue === ledgerValue
      ? []
      : [{ warehouseId, sku, field, stored: storedValue, fromLedger: ledgerValue }];
  });
}
