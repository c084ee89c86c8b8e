/**
 * Measures `GET /kpis`'s SQL straight from the fact tables: 50,000 orders over 90 days (two lines
 * each, most shipped, 10% returned and inspected, cycle counts), then day/week/hour queries with and
 * without filters. Prints the median and worst of 20 runs per query. Not a test: figures only.
 *
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register apps/kpi/bench/kpi-query.bench.ts
 */
import { createMessagingTablesMigration } from '@opsline/messaging';
import { runMigrations, serviceDataSourceOptions } from '@opsline/persistence';
import { createTestDatabase } from '@opsline/persistence/testing';
import { DataSource } from 'typeorm';
import { KpiQuery } from '../src/domain/kpi-query';
import { KpiQueryRepository } from '../src/infrastructure/kpi-query.repository';
import { KpiTables } from '../src/infrastructure/kpi-tables';
import { createKpiFactTablesMigration } from '../src/infrastructure/migrations/1764000000400-create-kpi-facts';

const ORDERS = Number(process.env.KPI_BENCH_ORDERS ?? 50_000);
const RUNS = 20;

const FILL = [
  `SELECT setseed(0.42)`,
  `INSERT INTO kpi.order_facts
     SELECT 'O' || g, CASE WHEN g % 3 = 0 THEN 'marketplace' ELSE 'webshop' END, 'WH-' || (g % 3 + 1),
       placed, placed + interval '1 day', CASE WHEN g % 20 = 0 THEN 'CANCELLED' ELSE 'SHIPPED' END,
       CASE WHEN g % 20 = 0 THEN placed + interval '2 hours' END, g % 20 <> 0,
       CASE WHEN g % 20 <> 0 THEN placed + (random() * 40) * interval '1 hour' END, 1 + (g % 7 = 0)::int, g % 9 = 0,
       0, 0, 0, 0, NULL
     FROM (SELECT g, timestamptz '2026-08-01T00:00:00Z' + (random() * 90) * interval '1 day' AS placed
           FROM generate_series(1, ${ORDERS}) g) o`,
  `INSERT INTO kpi.order_line_facts
     SELECT o.order_id, l::text, 'SKU-' || ((hashtext(o.order_id) + l) & 255), 1 + l, 1999, CASE WHEN o.backordered_at_first_attempt AND l = 1 THEN 0 ELSE 1 + l END,
       CASE WHEN o.complete THEN 1 + l ELSE 0 END, 0
     FROM kpi.order_facts o, generate_series(1, 2) l`,
  `UPDATE kpi.order_facts o SET units_ordered = s.units, order_value_minor = s.value, line_count = s.lines,
       lines_filled_at_first_attempt = s.filled,
       cycle_time_hours = EXTRACT(EPOCH FROM (o.last_shipment_at - o.placed_at)) / 3600
     FROM (SELECT order_id, sum(quantity) AS units, sum(quantity * unit_price_minor) AS value, count(*) AS lines,
             count(*) FILTER (WHERE reserved_at_first_attempt >= quantity) AS filled
           FROM kpi.order_line_facts GROUP BY order_id) s
     WHERE s.order_id = o.order_id`,
  `VACUUM ANALYZE kpi.order_facts`,
  `INSERT INTO kpi.shipment_line_facts
     SELECT l.order_id, 'S-' || l.order_id, l.line_id::int, l.line_id, l.sku, l.quantity, o.warehouse_id, o.channel, o.last_shipment_at
     FROM kpi.order_line_facts l JOIN kpi.order_facts o USING (order_id) WHERE o.complete`,
  `INSERT INTO kpi.return_facts
     SELECT 'R-' || order_id, order_id, channel, warehouse_id, last_shipment_at + interval '3 days', 'INSPECTED',
       last_shipment_at + interval '5 days'
     FROM kpi.order_facts WHERE complete AND hashtext(order_id) % 10 = 0`,
  `INSERT INTO kpi.return_line_facts
     SELECT 'R-' || order_id, '1', 'SKU-1', 1, (ARRAY['DAMAGED','SIZE_FIT','WRONG_ITEM','OTHER'])[1 + abs(hashtext(order_id)) % 4], 1
     FROM kpi.return_facts`,
  `INSERT INTO kpi.inspection_facts
     SELECT 'I-' || return_id, return_id, 'WH-1', first_received_at + interval '6 hours' FROM kpi.return_facts`,
  `INSERT INTO kpi.inspection_line_facts
     SELECT 'I-' || return_id, 0, return_id, 'SKU-1', 1, 'RESTOCK', 1500, 1999 FROM kpi.return_facts`,
  `INSERT INTO kpi.cycle_count_facts
     SELECT 'C' || g, 'WH-' || (g % 3 + 1), 'SKU-' || (g % 256), timestamptz '2026-08-01T00:00:00Z' + (g % 90) * interval '1 day', g % 4 <> 0
     FROM generate_series(1, 5000) g`,
  `ANALYZE`,
];

async function main(): Promise<void> {
  // Migrated here rather than cloned from a template: the template cache keys on the migration's
  // source text, which does not change when the generated SQL does.
  const db = await createTestDatabase({ name: __filename });
  const dataSource = new DataSource({
    ...serviceDataSourceOptions({
      url: db.url,
      schema: 'kpi',
      entities: [],
      migrations: [createMessagingTablesMigration('kpi'), createKpiFactTablesMigration('kpi')],
    }),
    poolSize: 10,
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  try {
    for (const statement of FILL) await dataSource.query(statement);
    const repository = new KpiQueryRepository(dataSource, { tables: new KpiTables('kpi') });
    const base: KpiQuery = {
      from: '2026-08-01T00:00:00.000Z',
      to: '2026-10-30T00:00:00.000Z',
      granularity: 'day',
      warehouseId: null,
      sku: null,
      channel: null,
    };
    const cases: [string, KpiQuery][] = [
      ['90 days × day', base],
      ['90 days × week', { ...base, granularity: 'week' }],
      ['90 days × hour', { ...base, granularity: 'hour' }],
      ['90 days × day, warehouseId', { ...base, warehouseId: 'WH-2' }],
      ['90 days × day, sku', { ...base, sku: 'SKU-17' }],
      ['90 days × day, channel', { ...base, channel: 'marketplace' }],
      ['7 days × hour', { ...base, to: '2026-08-08T00:00:00.000Z', granularity: 'hour' }],
    ];
    console.log(`${ORDERS} orders; ${RUNS} runs per query (after 3 warm-up runs)`);
    for (const [label, query] of process.env.KPI_BENCH_KEEP === undefined ? cases : []) {
      for (let i = 0; i < 3; i++) await repository.countByBucket(query);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = process.hrtime.bigint();
        await repository.countByBucket(query);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      times.sort((a, b) => a - b);
      console.log(
        `${label.padEnd(30)} median ${times[RUNS / 2].toFixed(1)} ms, worst ${times[RUNS - 1].toFixed(1)} ms`,
      );
    }
  } finally {
    await dataSource.destroy();
    if (process.env.KPI_BENCH_KEEP === undefined) await db.drop();
    else console.log(`kept ${db.url}`);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
