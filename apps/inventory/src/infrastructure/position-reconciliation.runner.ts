import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PlatformMetrics } from '@opsline/platform';
import { Gauge, Registry } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { PositionDriftCheck, PositionLedgerDrift } from '../domain/position-reconciliation';
import type { StockLedgerEntry } from '../domain/stock-ledger';
import { computeStockPosition } from '../domain/stock-position';

/** Injection token of the scheduled check's interval in ms (0: on demand only). */
export const INVENTORY_RECONCILIATION_INTERVAL = Symbol('INVENTORY_RECONCILIATION_INTERVAL');

/** Drift entries listed in a result (`driftCount` says how many there are in all). */
const DRIFT_LISTED = 100;

/** `GET /inventory/reconciliation`: stock positions against what their ledgers add up to. */
export interface PositionReconciliationResult {
  readonly status: 'ok' | 'drift';
  readonly checkedAt: string;
  readonly durationMs: number;
  readonly positionsCompared: number;
  readonly ledgerEntries: number;
  readonly driftCount: number;
  readonly drift: readonly PositionLedgerDrift[];
}

function gauge(registry: Registry, name: string, help: string): Gauge {
  // a second app in one process (tests) may share the registry
  return (
    (registry.getSingleMetric(name) as Gauge | undefined) ?? new Gauge({ name, help, registers: [registry] })
  );
}

/**
 * Checks that every `stock_positions` row is what its `stock_ledger` entries fold to (both are
 * written in one transaction, so any difference is a bug or a hand edit), on demand and every
 * `INVENTORY_RECONCILIATION_INTERVAL_MS`; the last result is in the gauges.
 */
@Injectable()
export class PositionReconciliationRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InventoryReconciliation');
  private readonly drift: Gauge;
  private readonly lastRun: Gauge;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PositionReconciliationResult> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    metrics: PlatformMetrics,
    @Inject(INVENTORY_RECONCILIATION_INTERVAL) private readonly intervalMs: number,
  ) {
    this.drift = gauge(
      metrics.registry,
      'opsline_inventory_reconciliation_drift',
      'Position fields (on-hand, reserved) that differ from their stock ledger, at the last check',
    );
    this.lastRun = gauge(
      metrics.registry,
      'opsline_inventory_reconciliation_last_run_timestamp_seconds',
      'When the last check of positions against the stock ledger finished (Unix time)',
    );
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs === 0) return;
    this.timer = setInterval(
      () =>
        void this.check().catch((error: Error) =>
          this.logger.error({ msg: 'position reconciliation failed', error: error.message }),
        ),
      this.intervalMs,
    );
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** A check now (one at a time: a request during a run gets that run's result). */
  check(): Promise<PositionReconciliationResult> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<PositionReconciliationResult> {
    const started = Date.now();
    // One snapshot: a movement committed meanwhile is in both tables or in neither.
    const { drift, positionsCompared, ledgerEntries } = await this.dataSource.transaction(
      'REPEATABLE READ',
      async (manager) => {
        await manager.query('SET TRANSACTION READ ONLY');
        const positionRows = (await manager.query(
          `SELECT warehouse_id, sku, on_hand, reserved FROM inventory.stock_positions`,
        )) as { warehouse_id: string; sku: string; on_hand: number; reserved: number }[];
        const check = new PositionDriftCheck(
          positionRows.map((row) => ({
            warehouseId: row.warehouse_id,
            sku: row.sku,
            onHand: row.on_hand,
            reserved: row.reserved,
          })),
        );
        let entries = 0;
        for await (const ledger of positionLedgers(manager)) {
          check.compare(computeStockPosition(ledger.warehouseId, ledger.sku, ledger.entries).position);
          entries += ledger.entries.length;
        }
        return { drift: check.drift(), positionsCompared: positionRows.length, ledgerEntries: entries };
      },
    );
    const result: PositionReconciliationResult = {
      status: drift.length === 0 ? 'ok' : 'drift',
      checkedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      positionsCompared,
      ledgerEntries,
      driftCount: drift.length,
      drift: drift.slice(0, DRIFT_LISTED),
    };
    this.drift.set(drift.length);
    this.lastRun.set(Date.parse(result.checkedAt) / 1000);
    if (drift.length > 0)
      this.logger.warn({ msg: 'positions differ from the ledger', drift: drift.slice(0, 5) });
    return result;
  }
}

/** Rows one cursor read brings back. */
const LEDGER_PAGE_SIZE = 5_000;

/**
 * Every position's whole ledger, one position at a time, through a server-side cursor in pages:
 * never more than a page and one position's entries in memory, however long the ledger has grown.
 * `manager` must be in a transaction, which the cursor lives in.
 */
export async function* positionLedgers(
  manager: EntityManager,
  pageSize = LEDGER_PAGE_SIZE,
): AsyncGenerator<{ warehouseId: string; sku: string; entries: StockLedgerEntry[] }> {
  await manager.query(
    `DECLARE inventory_ledger_check NO SCROLL CURSOR FOR
     SELECT warehouse_id, sku, entry FROM inventory.stock_ledger ORDER BY warehouse_id, sku`,
  );
  let current: { warehouseId: string; sku: string; entries: StockLedgerEntry[] } | null = null;
  try {
    for (;;) {
      const rows = (await manager.query(`FETCH ${pageSize} FROM inventory_ledger_check`)) as {
        warehouse_id: string;
        sku: string;
        entry: StockLedgerEntry;
      }[];
      for (const row of rows) {
        if (current === null || current.warehouseId !== row.warehouse_id || current.sku !== row.sku) {
          if (current !== null) yield current;
          current = { warehouseId: row.warehouse_id, sku: row.sku, entries: [] };
        }
        current.entries.push(row.entry);
      }
      if (rows.length < pageSize) break;
    }
    if (current !== null) yield current;
  } finally {
    await manager.query(`CLOSE inventory_ledger_check`);
  }
}
