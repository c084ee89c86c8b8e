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
import { DataSource } from 'typeorm';
import { PositionLedgerDrift, positionsAgainstLedger } from '../domain/position-reconciliation';
import type { StockLedgerEntry } from '../domain/stock-ledger';

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
    const { positions, ledger } = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const positionRows = (await manager.query(
        `SELECT warehouse_id, sku, on_hand, reserved FROM inventory.stock_positions`,
      )) as { warehouse_id: string; sku: string; on_hand: number; reserved: number }[];
      const ledgerRows = (await manager.query(`SELECT entry FROM inventory.stock_ledger`)) as {
        entry: StockLedgerEntry;
      }[];
      return {
        positions: positionRows.map((row) => ({
          warehouseId: row.warehouse_id,
          sku: row.sku,
          onHand: row.on_hand,
          reserved: row.reserved,
        })),
        ledger: ledgerRows.map((row) => row.entry),
      };
    });
    const drift = positionsAgainstLedger(positions, ledger);
    const result: PositionReconciliationResult = {
      status: drift.length === 0 ? 'ok' : 'drift',
      checkedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      positionsCompared: positions.length,
      ledgerEntries: ledger.length,
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
