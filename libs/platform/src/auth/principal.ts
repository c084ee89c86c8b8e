import { ForbiddenError } from '../errors/domain-error';
import { ADMIN_SCOPE, type ApiKeyEntry, type ScopeGrant } from './api-key-table';

/**
 * Who is calling, as the guard established it for this request: the key's label and grants, the
 * scopes the route required, and the warehouses those scopes cover (`null` = every warehouse).
 */
export interface Principal {
  /** Unique per configured key (see `ApiKeyEntry.id`); `keyLabel` is for logs and may repeat. */
  readonly keyId: string;
  readonly keyLabel: string;
  readonly isAdmin: boolean;
  readonly grants: readonly ScopeGrant[];
  readonly requiredScopes: readonly string[];
  readonly allowedWarehouses: ReadonlySet<string> | null;
}

/** The outcome of {@link authorizeKey}: a principal, or the scopes the key lacks. */
export type Authorization =
  | { readonly allowed: true; readonly principal: Principal }
  | { readonly allowed: false; readonly missingScopes: readonly string[] };

/**
 * Checks a key's grants against a route's required scopes (all of them are needed). `admin` grants
 * every scope; a warehouse-limited grant counts, and limits the principal to those warehouses.
 */
export function authorizeKey(entry: ApiKeyEntry, requiredScopes: readonly string[]): Authorization {
  const isAdmin = entry.grants.some((grant) => grant.scope === ADMIN_SCOPE);
  const missingScopes = isAdmin
    ? []
    : requiredScopes.filter((scope) => !entry.grants.some((grant) => grant.scope === scope));
  if (missingScopes.length > 0) return { allowed: false, missingScopes };
  return {
    allowed: true,
    principal: {
      keyId: entry.id,
      keyLabel: entry.label,
      isAdmin,
      grants: entry.grants,
      requiredScopes,
      allowedWarehouses: isAdmin ? null : warehousesCoveredBy(entry.grants, requiredScopes),
    },
  };
}

/**
 * The warehouses a request may touch: per required scope, every warehouse if one grant of it is
 * unlimited, else the listed ones; intersected over the required scopes. A route that requires no
 * scope is limited only if every grant of the key is.
 */
function warehousesCoveredBy(
  grants: readonly ScopeGrant[],
  requiredScopes: readonly string[],
): ReadonlySet<string> | null {
  const coverageOf = (relevant: readonly ScopeGrant[]): Set<string> | null =>
    relevant.some((grant) => grant.warehouseId === undefined)
      ? null
      : new Set(relevant.map((grant) => grant.warehouseId as string));
  if (requiredScopes.length === 0) return coverageOf(grants);
  const limited = requiredScopes
    .map((scope) => coverageOf(grants.filter((grant) => grant.scope === scope)))
    .filter((coverage): coverage is Set<string> => coverage !== null);
  if (limited.length === 0) return null;
  const [first, ...others] = limited;
  return new Set([...first].filter((id) => others.every((coverage) => coverage.has(id))));
}

/**
 * Refuses (403 `AUTH.WAREHOUSE_FORBIDDEN`, naming the warehouse) an event of a warehouse the caller's key
 * is not limited to. Ingest endpoints call it per event. An event without a warehouse is refused to a
 * warehouse-limited key, since the key cannot vouch for it.
 */
export function assertWarehouseAllowed(principal: Principal, warehouseId: string | null | undefined): void {
  const allowed = principal.allowedWarehouses;
  if (allowed === null) return;
  const limits = [...allowed].map((id) => `"${id}"`).join(', ');
  if (warehouseId === null || warehouseId === undefined || warehouseId === '') {
    throw new ForbiddenError(
      'AUTH.WAREHOUSE_FORBIDDEN',
      `This API key is limited to warehouse ${limits} and may not send events without a warehouseId`,
    );
  }
  if (!allowed.has(warehouseId)) {
    throw new ForbiddenError(
      'AUTH.WAREHOUSE_FORBIDDEN',
      `This API key may not send events for warehouse "${warehouseId}" (it is limited to ${limits})`,
    );
  }
}
