import { MigrationInterface, QueryRunner } from 'typeorm';
import { KPI_SCHEMA, KpiTables } from '../kpi-tables';

/**
 * The fact tables of the KPI read models in `schema`, with their keys: all the projection's upserts
 * need. The indexes the queries read by are {@link kpiFactIndexesUpSql}.
 */
export function kpiFactTablesUpSql(schema: string): string[] {
  const t = new KpiTables(schema);
  return [
    `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
    `CREATE TABLE ${t.orders} (
      order_id text PRIMARY KEY,
      channel text NOT NULL,
      warehouse_id text,
      placed_at timestamptz NOT NULL,
      promised_ship_by timestamptz NOT NULL,
      status text NOT NULL,
      cancelled_at timestamptz,
      complete boolean NOT NULL,
      last_shipment_at timestamptz,
      shipment_count integer NOT NULL,
      backordered_at_first_attempt boolean,
      units_ordered integer NOT NULL,
      order_value_minor bigint NOT NULL,
      line_count integer NOT NULL,
      lines_filled_at_first_attempt integer NOT NULL,
      cycle_time_hours double precision
    )`,
    `CREATE TABLE ${t.orderLines} (
      order_id text NOT NULL,
      line_id text NOT NULL,
      sku text NOT NULL,
      quantity integer NOT NULL,
      unit_price_minor bigint NOT NULL,
      reserved_at_first_attempt integer,
      shipped_quantity integer NOT NULL,
      cancelled_quantity integer NOT NULL,
      PRIMARY KEY (order_id, line_id)
    )`,
    `CREATE TABLE ${t.shipmentLines} (
      order_id text NOT NULL,
      shipment_id text NOT NULL,
      line_no integer NOT NULL,
      line_id text NOT NULL,
      sku text NOT NULL,
      quantity integer NOT NULL,
      warehouse_id text NOT NULL,
      channel text NOT NULL,
      shipped_at timestamptz NOT NULL,
      PRIMARY KEY (order_id, shipment_id, line_no)
    )`,
    `CREATE TABLE ${t.returns} (
      return_id text PRIMARY KEY,
      order_id text NOT NULL,
      channel text,
      order_warehouse_id text,
      requested_at timestamptz NOT NULL,
      status text NOT NULL,
      first_received_at timestamptz
    )`,
    `CREATE TABLE ${t.returnLines} (
      return_id text NOT NULL,
      line_id text NOT NULL,
      sku text NOT NULL,
      quantity integer NOT NULL,
      reason_code text NOT NULL,
      authorized_quantity integer NOT NULL,
      PRIMARY KEY (return_id, line_id)
    )`,
    `CREATE TABLE ${t.inspections} (
      inspection_id text PRIMARY KEY,
      return_id text NOT NULL,
      warehouse_id text NOT NULL,
      inspected_at timestamptz NOT NULL
    )`,
    `CREATE TABLE ${t.inspectionLines} (
      inspection_id text NOT NULL,
      line_no integer NOT NULL,
      return_id text NOT NULL,
      sku text NOT NULL,
      quantity integer NOT NULL,
      disposition text NOT NULL,
      recovered_value_minor bigint NOT NULL,
      unit_price_minor bigint NOT NULL,
      PRIMARY KEY (inspection_id, line_no)
    )`,
    `CREATE TABLE ${t.cycleCounts} (
      count_id text PRIMARY KEY,
      warehouse_id text NOT NULL,
      sku text NOT NULL,
      counted_at timestamptz NOT NULL,
      accurate boolean NOT NULL
    )`,
    `CREATE TABLE ${t.positions} (
      warehouse_id text NOT NULL,
      sku text NOT NULL,
      on_hand integer NOT NULL,
      reserved integer NOT NULL,
      available integer NOT NULL,
      backordered integer NOT NULL,
      reorder_point integer,
      changed_at timestamptz NOT NULL,
      PRIMARY KEY (warehouse_id, sku)
    )`,
    `CREATE TABLE ${t.topicFreshness} (
      topic text PRIMARY KEY,
      newest_event_time timestamptz NOT NULL
    )`,
    `CREATE TABLE ${t.changes} (
      id bigserial PRIMARY KEY,
      fact text NOT NULL,
      bucket_times timestamptz[] NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`,
  ];
}

/**
 * The indexes of `schema`'s fact tables on the bucketed time columns and the filters. A rebuild
 * creates them when it has caught up, not before: nothing reads a version while it is built, and
 * one index build over the loaded rows costs a fraction of keeping the indexes up to date row by row.
 */
export function kpiFactIndexesUpSql(schema: string): string[] {
  const t = new KpiTables(schema);
  return [
    `CREATE INDEX IF NOT EXISTS order_facts_placed_at_idx ON ${t.orders} (placed_at)`,
    `CREATE INDEX IF NOT EXISTS order_facts_cancelled_at_idx ON ${t.orders} (cancelled_at) WHERE status = 'CANCELLED'`,
    `CREATE INDEX IF NOT EXISTS order_facts_last_shipment_at_idx ON ${t.orders} (last_shipment_at) WHERE complete`,
    `CREATE INDEX IF NOT EXISTS order_line_facts_sku_idx ON ${t.orderLines} (sku, order_id)`,
    `CREATE INDEX IF NOT EXISTS shipment_line_facts_shipped_at_idx ON ${t.shipmentLines} (shipped_at)`,
    `CREATE INDEX IF NOT EXISTS shipment_line_facts_position_idx ON ${t.shipmentLines} (warehouse_id, sku, shipped_at)`,
    `CREATE INDEX IF NOT EXISTS return_facts_requested_at_idx ON ${t.returns} (requested_at)`,
    `CREATE INDEX IF NOT EXISTS return_facts_order_idx ON ${t.returns} (order_id)`,
    `CREATE INDEX IF NOT EXISTS inspection_facts_inspected_at_idx ON ${t.inspections} (inspected_at)`,
    `CREATE INDEX IF NOT EXISTS cycle_count_facts_counted_at_idx ON ${t.cycleCounts} (counted_at)`,
  ];
}

/** Creates the KPI fact tables (nothing is deployed before them: the skeleton's table is folded in). */
export function createKpiFactTablesMigration(schema: string = KPI_SCHEMA): new () => MigrationInterface {
  const tables = new KpiTables(schema);
  return class CreateKpiFacts1764000000400 implements MigrationInterface {
    name = 'CreateKpiFacts1764000000400';

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const statement of [...kpiFactTablesUpSql(schema), ...kpiFactIndexesUpSql(schema)])
        await queryRunner.query(statement);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const table of [
        tables.changes,
        tables.topicFreshness,
        tables.positions,
        tables.cycleCounts,
        tables.inspectionLines,
        tables.inspections,
        tables.returnLines,
        tables.returns,
        tables.shipmentLines,
        tables.orderLines,
        tables.orders,
      ])
        await queryRunner.query(`DROP TABLE ${table}`);
    }
  };
}
