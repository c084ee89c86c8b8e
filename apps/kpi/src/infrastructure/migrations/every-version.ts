import type { QueryRunner } from 'typeorm';
import { KPI_SCHEMA } from '../kpi-tables';

/** Every version's schema that still has its tables (the live one, one being built, the kept previous one). */
export async function versionSchemas(queryRunner: QueryRunner): Promise<string[]> {
  const rows = (await queryRunner.query(
    `SELECT schema_name FROM "${KPI_SCHEMA}".read_model_versions
     WHERE to_regclass(quote_ident(schema_name) || '.topic_freshness') IS NOT NULL
     ORDER BY version`,
  )) as { schema_name: string }[];
  return rows.map((row) => row.schema_name);
}

/** Runs the statements `sqlOf` gives for each version's schema (migrations that change every version). */
export async function inEveryVersion(
  queryRunner: QueryRunner,
  sqlOf: (schema: string) => readonly string[],
): Promise<void> {
  for (const schema of await versionSchemas(queryRunner))
    for (const statement of sqlOf(schema)) await queryRunner.query(statement);
}
