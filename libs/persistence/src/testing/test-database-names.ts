import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { QueryRunner } from 'typeorm';
import type { MigrationClass } from '../data-source';

// Pure naming rules of the test-database helper, kept apart so they can be unit-tested.

/** Prefix of every per-spec database; leftovers are found by it. */
export const TEST_DATABASE_PREFIX = 'opsline_t_';
/** Prefix of template databases, followed by the migration-set key. */
export const TEMPLATE_DATABASE_PREFIX = 'opsline_tpl_';

const SLUG_LENGTH = 20;
const TEST_DATABASE_NAME = /^opsline_t_[a-z0-9_]+_\d+_([0-9a-z]+)_[0-9a-z]{4}$/;

/** `libs/x/test/order-flow.medium-spec.ts` → `order_flow`; any label works, `__filename` is typical. */
export function testDatabaseSlug(name: string): string {
  const slug = basename(name)
    .replace(/(\.(medium-spec|e2e-spec|spec))?\.[cm]?[jt]s$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, SLUG_LENGTH)
    .replace(/_+$/, '');
  return slug || 'db';
}

/**
 * `opsline_t_<slug>_<pid>_<seconds, base 36>_<4 random>`: unique per spec file and worker, at most
 * 63 bytes (PostgreSQL's limit), and carrying its creation time so leftovers can be aged without
 * any bookkeeping table.
 */
export function testDatabaseName(label: string, pid: number, nowMs: number, random: () => number): string {
  const created = Math.floor(nowMs / 1000).toString(36);
  const suffix = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${TEST_DATABASE_PREFIX}${testDatabaseSlug(label)}_${pid}_${created}_${suffix}`;
}

/** When a database named by {@link testDatabaseName} was created, or undefined for other names. */
export function testDatabaseCreatedAt(databaseName: string): number | undefined {
  const match = TEST_DATABASE_NAME.exec(databaseName);
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 36) * 1000;
}

/**
 * Identifies a migration set: the schema, each migration's class name, the source of its
 * `up`/`down`, and the calls they make on a query runner that records instead of running them (the
 * SQL, which factories and helper functions build outside the method's own text). Editing a
 * migration or a helper it calls (common while developing it) therefore builds a new template
 * instead of cloning a stale one. 16 hex digits of SHA-256.
 */
export async function migrationSetKey(
  schema: string,
  migrations: readonly MigrationClass[],
): Promise<string> {
  const parts: string[][] = [];
  for (const migration of migrations) {
    const instance = new migration();
    parts.push([
      migration.name,
      String(migration.prototype.up),
      String(migration.prototype.down),
      await recordedCalls((runner) => instance.up(runner)),
      await recordedCalls((runner) => instance.down(runner)),
    ]);
  }
  return createHash('sha256')
    .update(JSON.stringify([schema, parts]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The calls `run` makes on a query runner whose every method records its name and arguments and
 * resolves to no rows. A migration that reads something else from the runner (and so throws here)
 * is keyed by how far it got and the error.
 */
async function recordedCalls(run: (runner: QueryRunner) => Promise<unknown>): Promise<string> {
  const calls: unknown[] = [];
  const runner = new Proxy(
    {},
    {
      get: (_target, property) =>
        property === 'then'
          ? undefined // not a thenable: awaiting the runner itself must not call it
          : (...args: unknown[]) => {
              calls.push([String(property), args]);
              return Promise.resolve([]);
            },
    },
  ) as QueryRunner;
  try {
    await run(runner);
  } catch (error) {
    calls.push(['threw', String(error)]);
  }
  try {
    return JSON.stringify(calls);
  } catch {
    return String(calls.length); // arguments JSON cannot write (a cycle): the method sources still key it
  }
}

export function templateDatabaseName(key: string): string {
  return `${TEMPLATE_DATABASE_PREFIX}${key}`;
}

/** A row of `pg_database` as the leftover sweep sees it. */
export interface DatabaseRow {
  datname: string;
  datistemplate: boolean;
  /** `COMMENT ON DATABASE`; templates carry `{"lastUsedAt": ISO time}`. */
  comment: string | null;
}

/** The template comment recording when a run last cloned it. */
export function templateComment(nowMs: number): string {
  return JSON.stringify({ lastUsedAt: new Date(nowMs).toISOString() });
}

/** When a template was last cloned, from its comment. */
export function templateLastUsedAt(comment: string | null): number | undefined {
  if (!comment) return undefined;
  try {
    const parsed = JSON.parse(comment) as { lastUsedAt?: unknown };
    const time = typeof parsed.lastUsedAt === 'string' ? Date.parse(parsed.lastUsedAt) : Number.NaN;
    return Number.isNaN(time) ? undefined : time;
  } catch {
    return undefined;
  }
}

/**
 * Which test databases and templates are leftovers: per-spec databases created more than `maxAgeMs`
 * ago (a crashed or interrupted run did not drop them), and finished templates nobody cloned for
 * that long (their migration set has changed). Half-built templates are left to the build lock.
 */
export function selectLeftovers(
  rows: readonly DatabaseRow[],
  nowMs: number,
  maxAgeMs: number,
): { databases: string[]; templates: string[] } {
  const cutoff = nowMs - maxAgeMs;
  const databases = rows
    .filter((row) => !row.datistemplate)
    .filter((row) => (testDatabaseCreatedAt(row.datname) ?? Number.POSITIVE_INFINITY) < cutoff)
    .map((row) => row.datname);
  const templates = rows
    .filter((row) => row.datistemplate && row.datname.startsWith(TEMPLATE_DATABASE_PREFIX))
    .filter((row) => (templateLastUsedAt(row.comment) ?? Number.NEGATIVE_INFINITY) < cutoff)
    .map((row) => row.datname);
  return { databases, templates };
}
