/** The environment variable every opsline process reads its PostgreSQL server from. */
export const DATABASE_URL_VARIABLE = 'DATABASE_URL';

const POSTGRES_PROTOCOLS = new Set(['postgres:', 'postgresql:']);

/**
 * The PostgreSQL URL from `DATABASE_URL`, or `undefined` when it is unset or blank — the launcher
 * then starts embedded PostgreSQL and passes its URL on. Fails fast, naming the variable (but never
 * echoing the password), when the value is not a `postgres://` / `postgresql://` URL.
 */
export function resolveDatabaseUrl(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const value = env[DATABASE_URL_VARIABLE]?.trim();
  if (!value) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(
      `${DATABASE_URL_VARIABLE} is not a URL; expected postgres://user:password@host:port/database`,
    );
  }
  if (!POSTGRES_PROTOCOLS.has(parsed.protocol)) {
    throw new Error(
      `${DATABASE_URL_VARIABLE} must use postgres:// or postgresql://, got ${parsed.protocol}//${parsed.host}`,
    );
  }
  return value;
}

/** The same URL with the password replaced by `***`, for log lines. */
export function redactDatabaseUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** The same server and credentials, connected to another database (query parameters are kept). */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The database a URL connects to (`postgres` when the path is empty, as libpq does for user postgres). */
export function databaseNameOf(url: string): string {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return name || decodeURIComponent(parsed.username) || 'postgres';
}
