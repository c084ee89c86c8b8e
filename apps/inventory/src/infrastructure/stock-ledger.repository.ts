import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CountEntry, countKey, ledgerEntryKey, StockLedgerEntry } from '../domain/stock-ledger';
import type { CountOutcome, JudgedCount } from '../domain/stock-position';
import type { PositionKey } from './inventory.repository';

/**
 * The stock ledger's statements (`inventory.stock_ledger`): recording movements and the reads that
 * settle a position without its whole history. Every method takes the caller's transaction.
 */
@Injectable()
export class StockLedgerRepository {
  /** Records entries; those whose key is already in the ledger are skipped. Returns the ones recorded. */
  async insertEntries(
    manager: EntityManager,
    entries: readonly StockLedgerEntry[],
  ): Promise<StockLedgerEntry[]> {
    if (entries.length === 0) return [];
    const rows = (await manager.query(
      `INSERT INTO inventory.stock_ledger (warehouse_id, sku, entry_key, kind, at, entry)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
       ON CONFLICT (warehouse_id, sku, entry_key) DO NOTHING
       RETURNING entry`,
      [
        entries.map((e) => e.warehouseId),
        entries.map((e) => e.sku),
        entries.map(ledgerEntryKey),
        entries.map((e) => e.kind),
        entries.map((e) => e.at),
        entries.map((e) => JSON.stringify(e)),
      ],
    )) as { entry: StockLedgerEntry }[];
    return rows.map((row) => row.entry);
  }

  /** A position's whole ledger. */
  async ledgerOf(manager: EntityManager, key: PositionKey): Promise<StockLedgerEntry[]> {
    const rows = (await manager.query(
      `SELECT entry FROM inventory.stock_ledger WHERE warehouse_id = $1 AND sku = $2`,
      [key.warehouseId, key.sku],
    )) as { entry: StockLedgerEntry }[];
    return rows.map((row) => row.entry);
  }

  /**
   * The position's ledger from its latest cycle count before `from` (a business time; the start of
   * the ledger when there is none) to its first count after `to` (`to` itself when there is none;
   * the end of the ledger when `to` is not given). Folding it gives on-hand from that first count on
   * and the judgement of every count after it exactly, since that count replaces everything before
   * it. Entries sharing a bounding time are all included, for the fold to order them; times are
   * compared as stored (microseconds), which can only widen the range.
   */
  async ledgerBetweenCounts(
    manager: EntityManager,
    key: PositionKey,
    from: string,
    to?: string,
  ): Promise<StockLedgerEntry[]> {
    const rows = (await manager.query(
      `SELECT entry FROM inventory.stock_ledger
        WHERE warehouse_id = $1 AND sku = $2
          AND at >= COALESCE(
                (SELECT max(at) FROM inventory.stock_ledger
                  WHERE warehouse_id = $1 AND sku = $2 AND kind = 'count' AND at < $3::timestamptz),
                '-infinity')
          AND at <= COALESCE(
                (SELECT min(at) FROM inventory.stock_ledger
                  WHERE warehouse_id = $1 AND sku = $2 AND kind = 'count' AND at > $4::timestamptz),
                $4::timestamptz)`,
      [key.warehouseId, key.sku, from, to ?? 'infinity'],
    )) as { entry: StockLedgerEntry }[];
    return rows.map((row) => row.entry);
  }

  /**
   * The position's first `limit` cycle counts from `from` (a business time) on, by stored time, with
   * their stored judgements; those with none stored are left out and make `complete` false, as does
   * reading `limit` of them (there may be more at the last one's time).
   */
  async countsFrom(
    manager: EntityManager,
    key: PositionKey,
    from: string,
    limit: number,
  ): Promise<{ counts: JudgedCount[]; complete: boolean }> {
    const rows = (await manager.query(
      `SELECT entry, on_hand_at_count FROM inventory.stock_ledger
        WHERE warehouse_id = $1 AND sku = $2 AND kind = 'count'
          AND at >= $3::timestamptz - interval '1 microsecond'
        ORDER BY at LIMIT $4`,
      [key.warehouseId, key.sku, from, limit],
    )) as { entry: CountEntry; on_hand_at_count: number | null }[];
    const judged = rows.flatMap((row) =>
      row.on_hand_at_count === null ? [] : [{ count: row.entry, onHandAtCount: row.on_hand_at_count }],
    );
    return { counts: judged, complete: rows.length < limit && judged.length === rows.length };
  }

  /** Stores counts' judgements (on their ledger rows). */
  async storeJudgements(
    manager: EntityManager,
    key: PositionKey,
    counts: readonly CountOutcome[],
  ): Promise<void> {
    if (counts.length === 0) return;
    await manager.query(
      `UPDATE inventory.stock_ledger l SET on_hand_at_count = j.on_hand
         FROM unnest($3::text[], $4::int[]) AS j(entry_key, on_hand)
        WHERE l.warehouse_id = $1 AND l.sku = $2 AND l.entry_key = j.entry_key`,
      [
        key.warehouseId,
        key.sku,
        counts.map((count) => countKey(count.countId)),
        counts.map((count) => count.onHandAtCount),
      ],
    );
  }

  /** One order's reservations, releases and shipments at the warehouse's positions of `skus`. */
  async orderEntriesAt(
    manager: EntityManager,
    warehouseId: string,
    skus: readonly string[],
    orderId: string,
  ): Promise<StockLedgerEntry[]> {
    const rows = (await manager.query(
      `SELECT entry FROM inventory.stock_ledger
        WHERE entry->>'orderId' = $3 AND kind IN ('reservation', 'release', 'shipment')
          AND warehouse_id = $1 AND sku = ANY($2::text[])`,
      [warehouseId, [...skus], orderId],
    )) as { entry: StockLedgerEntry }[];
    return rows.map((row) => row.entry);
  }
}
