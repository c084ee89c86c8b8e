import { InvalidRequestError } from '../errors/domain-error';

/**
 * How deep a JSON body may nest. The deepest contract payload nests 4 levels (`data.lines[0].sku`);
 * far deeper bodies only serve to exhaust the stack of recursive validators and transformers.
 */
export const MAX_JSON_BODY_DEPTH = 32;

/** The field name of problems with the body as a whole (as in `@opsline/contracts`). */
const BODY_FIELD = '(body)';

/** How deeply `value` nests objects and arrays (a scalar is 0), counted without recursion. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** The 400 for a parsed body nesting deeper than {@link MAX_JSON_BODY_DEPTH}, or `undefined`. */
export function tooDeepBodyError(value: unknown): InvalidRequestError | undefined {
  if (typeof value !== 'object' || value === null || jsonDepth(value) <= MAX_JSON_BODY_DEPTH)
    return undefined;
  const message = `The request body nests objects or arrays deeper than ${MAX_JSON_BODY_DEPTH} levels`;
  return new InvalidRequestError('REQUEST.TOO_DEEP', message, {
    fields: [{ field: BODY_FIELD, rule: 'maxDepth', message }],
  });
}

/**
 * The 400 for a body the secure parser refused although it is JSON: it carries a `__proto__` (or
 * `constructor.prototype`) key, refused to keep prototype pollution out. `undefined` when the body is
 * not JSON at all. (Fastify's parser does not say why it refused, hence the second parse.)
 */
export function forbiddenPropertyError(refusedBody: string): InvalidRequestError | undefined {
  try {
    JSON.parse(refusedBody);
  } catch {
    return undefined;
  }
  const message = 'The request body has a "__proto__" or "constructor.prototype" property, which is refused';
  return new InvalidRequestError('REQUEST.FORBIDDEN_PROPERTY', message, {
    fields: [{ field: BODY_FIELD, rule: 'forbiddenProperty', message }],
  });
}
