/**
 * Compares two contract ids (`WH-1`, `ORD-1001`) in plain UTF-16 code-unit order: `'WH-10' < 'WH-2'`,
 * `'B' < 'a'`. Ids are ASCII (`[A-Za-z0-9._:-]`), so this is also byte order, the order of
 * PostgreSQL's `COLLATE "C"`; unlike `localeCompare` it does not depend on the machine's locale, so
 * every service and the database agree on which id is "lowest".
 */
export function compareIds(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** Milliseconds since the epoch of an ISO-8601 time; throws on a malformed time (input is validated upstream). */
export function instantOf(time: string): number {
  const millis = Date.parse(time);
  if (Number.isNaN(millis)) throw new RangeError(`not an ISO-8601 time: ${time}`);
  return millis;
}

/**
 * Compares two business times as instants: `…T10:00:00Z` and `…T10:00:00.000Z` are equal (0), so
 * callers break ties on something meaningful instead of on spelling.
 */
export function compareBusinessTimes(a: string, b: string): number {
  return Math.sign(instantOf(a) - instantOf(b));
}

/** The later of two business times (the first on a tie). */
export function laterBusinessTime(a: string, b: string): string {
  return compareBusinessTimes(b, a) > 0 ? b : a;
}

/** The earlier of two business times (the first on a tie). */
export function earlierBusinessTime(a: string, b: string): string {
  return compareBusinessTimes(b, a) < 0 ? b : a;
}
