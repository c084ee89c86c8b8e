import { arrayLiteral } from '@opsline/persistence';
import type { EntityManager } from 'typeorm';

/** One column of a multi-row insert: its name, its PostgreSQL array element type, and its value. */
export interface Column<Row> {
  readonly name: string;
  readonly type: 'text' | 'int' | 'bigint' | 'float8' | 'boolean' | 'timestamptz';
  readonly value: (row: Row) => string | number | boolean | null;
}

/**
 * Inserts `rows` in one statement (`INSERT … SELECT FROM unnest(arrays)`), then `onConflict`
 * (`ON CONFLICT (…) DO NOTHING` / `DO UPDATE …`). Rows must have distinct keys: PostgreSQL refuses
 * to update one row twice in a statement, so callers collapse a batch to one row per key first.
 */
export async function insertRows<Row>(
  manager: EntityManager,
  table: string,
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  onConflict: string,
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((column) => column.name).join(', ');
  const arrays = columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ');
  await manager.query(
    `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays}) ${onConflict}`,
    columns.map((column) => arrayLiteral(rows.map(column.value))),
  );
}

/** `DO UPDATE SET c = EXCLUDED.c` for every column not in the key. */
export function updateAllExcept<Row>(columns: readonly Column<Row>[], key: readonly string[]): string {
  const sets = columns
    .filter((column) => !key.includes(column.name))
    .map((column) => `${column.name} = EXCLUDED.${column.name}`);
  return `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${sets.join(', ')}`;
}

/** The last row per key, in first-seen key order (a batch's newest snapshot per aggregate). */
export function lastPerKey<Row>(rows: readonly Row[], keyOf: (row: Row) => string): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) byKey.set(keyOf(row), row);
  return [...byKey.values()];
}

/** The first row per key (facts inserted once). */
export function firstPerKey<Row>(rows: readonly Row[], keyOf: (row: Row) => string): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) if (!byKey.has(keyOf(row))) byKey.set(keyOf(row), row);
  return [...byKey.values()];
}
