/**
 * Errors that say the database (or network) is unavailable, not that the event is bad: retrying
 * them must not count toward dead-lettering, or an outage would empty every topic into its DLQ.
 * SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown) and serialization failures.
 */
const TRANSIENT_SQLSTATE = /^(08|53|57P|40001|40P01)/;
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// TypeORM's "Query runner already released" and "Database connection provided by a query runner was
// already released" come from a transaction whose session the server ended under it; pg's "Client
// has encountered a connection error and is not queryable" from a pooled connection the server ended
// between the pool handing it out and its first statement (the transaction's very first error).
const TRANSIENT_MESSAGES =
  /Connection terminated|connection is closed|timeout exceeded when trying to connect|runner (was )?already released|is not queryable/i;

export function isTransientError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE_CODES.has(code)))
    return true;
  const cause = (error as { driverError?: unknown }).driverError;
  if (cause !== undefined && cause !== error && isTransientError(cause)) return true;
  return TRANSIENT_MESSAGES.test(error.message);
}
