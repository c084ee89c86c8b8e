/**
 * Turns `:name` placeholders into `$n` and the matching parameter list, so one set of named values
 * serves statements that use different subsets of them (PostgreSQL refuses unreferenced `$n`).
 * `::type` casts are left alone.
 */
export function withNamedParameters(
  sql: string,
  values: Readonly<Record<string, unknown>>,
): { text: string; parameters: unknown[] } {
  const order: string[] = [];
  const text = sql.replace(/(?<!:):([a-zA-Z][a-zA-Z0-9]*)/g, (_match, name: string) => {
    if (!(name in values)) throw new Error(`no value for :${name}`);
    let index = order.indexOf(name);
    if (index < 0) index = order.push(name) - 1;
    return `$${index + 1}`;
  });
  return { text, parameters: order.map((name) => values[name]) };
}
