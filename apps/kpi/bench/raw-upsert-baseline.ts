/** Phase 0 of bench:kpi: the same fact rows through raw pg, the baseline the projection is compared with. */
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import {
  INVENTORY_POSITION_CHANGED_V1,
  INVENTORY_STOCK_COUNTED_V1,
  ORDERS_ORDER_PLACED_V1,
  type InventoryPositionChangedV1,
  type InventoryStockCountedV1,
  type OrdersOrderPlacedV1,
} from '@opsline/contracts';
import { CpuMeter, cpuLine } from '../../../libs/messaging/bench/cpu-meter';
import {
  OrderLifecycleData,
  projectOrderLifecycle,
  projectOrderPlaced,
  projectPositionChanged,
  projectReturnEvent,
  projectStockCounted,
  ReturnEventData,
} from '../src/domain/fact-projection';
import type { TopicEvent } from '../src/domain/kpi.fixtures';
import { KPI_EVENT_TYPES } from '../src/infrastructure/kpi-fact.handlers';
import { KpiFactRepository } from '../src/infrastructure/kpi-fact.repository';
import { KpiTables } from '../src/infrastructure/kpi-tables';
import {
  kpiFactIndexesUpSql,
  kpiFactTablesUpSql,
} from '../src/infrastructure/migrations/1764000000400-create-kpi-facts';
import { factTablesFillfactorUpSql } from '../src/infrastructure/migrations/1764000000480-fact-tables-fillfactor';
import { BATCH, nowMs, rate } from './bench-helpers';

const BASELINE_SCHEMA = 'kpibench';

type Write = (manager: EntityManager, facts: KpiFactRepository) => Promise<void>;

/**
 * Each batch's fact rows, projected before the clock starts, as one repository call per fact family
 * (one multi-row statement per table): order-placed rows inserted, snapshots upserted, as the
 * consumer does with a partition's run of events.
 */
function projectedWrites(events: readonly TopicEvent[], handled: ReadonlySet<string>): Write[][] {
  const batches: Write[][] = [];
  for (let from = 0; from < events.length; from += BATCH) {
    const run = events
      .slice(from, from + BATCH)
      .map(({ event }) => event)
      .filter((event) => handled.has(event.type));
    const ofType = (test: (type: string) => boolean) => run.filter((event) => test(event.type));
    const placed = ofType((t) => t === ORDERS_ORDER_PLACED_V1).map((e) =>
      projectOrderPlaced(e.data as unknown as OrdersOrderPlacedV1),
    );
    const lifecycle = ofType((t) => t !== ORDERS_ORDER_PLACED_V1 && t.startsWith('opsline.orders.')).map(
      (e) => projectOrderLifecycle(e.data as unknown as OrderLifecycleData),
    );
    const returns = ofType((t) => t.startsWith('opsline.returns.')).map((e) =>
      projectReturnEvent(e.data as unknown as ReturnEventData, e.id),
    );
    const counts = ofType((t) => t === INVENTORY_STOCK_COUNTED_V1).map((e) =>
      projectStockCounted(e.data as unknown as InventoryStockCountedV1),
    );
    const positions = ofType((t) => t === INVENTORY_POSITION_CHANGED_V1).map((e) =>
      projectPositionChanged(e.data as unknown as InventoryPositionChangedV1),
    );
    batches.push([
      (m, facts) => facts.insertPlacedOrders(m, placed),
      (m, facts) => facts.upsertOrderSnapshots(m, lifecycle),
      (m, facts) => facts.upsertReturns(m, returns),
      (m, facts) => facts.upsertCycleCounts(m, counts),
      (m, facts) => facts.upsertPositions(m, positions),
    ]);
  }
  return batches;
}

/** Prints its CPU split before closing its connection: the meter cannot read an exited backend's CPU. */
export async function rawUpsertBaseline(
  databaseUrl: string,
  events: readonly TopicEvent[],
  meter: CpuMeter,
): Promise<number> {
  const handled = new Set<string>(KPI_EVENT_TYPES);
  const batches = projectedWrites(events, handled);
  const pg = new Client({ connectionString: databaseUrl, application_name: 'kpi-bench-raw-upsert' });
  await pg.connect();
  try {
    // indexed and stored like the live version the projection writes
    for (const sql of [
      ...kpiFactTablesUpSql(BASELINE_SCHEMA),
      ...kpiFactIndexesUpSql(BASELINE_SCHEMA),
      ...factTablesFillfactorUpSql(BASELINE_SCHEMA),
    ])
      await pg.query(sql);
    // The repository only calls manager.query(text, parameters): a bare pg client is enough.
    const manager = {
      query: async (text: string, parameters?: unknown[]) => (await pg.query(text, parameters)).rows,
    } as unknown as EntityManager;
    const facts = new KpiFactRepository(new KpiTables(BASELINE_SCHEMA));
    const before = await meter.snapshot();
    const started = nowMs();
    for (const writes of batches) {
      await pg.query('BEGIN');
      for (const write of writes) await write(manager, facts);
      await pg.query('COMMIT');
    }
    const ms = nowMs() - started;
    const { rows } = await pg.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM ${BASELINE_SCHEMA}.order_facts) + (SELECT count(*) FROM ${BASELINE_SCHEMA}.order_line_facts)
        + (SELECT count(*) FROM ${BASELINE_SCHEMA}.return_facts) + (SELECT count(*) FROM ${BASELINE_SCHEMA}.shipment_line_facts) AS n`,
    );
    console.log(
      `0. raw pg upsert of the same fact rows (${BATCH} events a transaction, one statement per table; ` +
        `${rows[0].n} order/line/shipment/return rows): ` +
        `${events.length} events in ${(ms / 1000).toFixed(2)} s = ${Math.round(rate(events.length, ms))} events/s`,
    );
    console.log(`  ${cpuLine(await meter.since(before))}`);
    return rate(events.length, ms);
  } finally {
    await pg.query(`DROP SCHEMA ${BASELINE_SCHEMA} CASCADE`).catch(() => undefined);
    await pg.end();
  }
}
