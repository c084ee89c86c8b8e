import { ForbiddenError, UnauthorizedError } from '../errors/domain-error';
import type { ApiKeyTable } from './api-key-table';
import { authorizeKey, type Principal } from './principal';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Turns an `Authorization` header into a {@link Principal} for a route's required scopes, or throws the
 * 401/403 the contract prescribes. Plain class; the global guard is its only Nest-facing caller.
 */
export class ApiKeyAuthenticator {
  constructor(private readonly keys: ApiKeyTable) {}

  /** `true` when only the development key is accepted (no `OPSLINE_API_KEYS`). */
  get isDevDefault(): boolean {
    return this.keys.isDevDefault;
  }

  /**
   * @throws UnauthorizedError `AUTH.MISSING_KEY` / `AUTH.MALFORMED_AUTHORIZATION` / `AUTH.UNKNOWN_KEY`
   * @throws ForbiddenError `AUTH.MISSING_SCOPE` naming the scopes the key lacks
   */
  authenticate(
    authorization: string | readonly string[] | undefined,
    requiredScopes: readonly string[],
  ): Principal {
    const header = Array.isArray(authorization) ? authorization[0] : authorization;
    if (typeof header !== 'string' || header.trim() === '') {
      throw new UnauthorizedError('AUTH.MISSING_KEY', 'Send an API key as "Authorization: Bearer <key>"');
    }
    const match = BEARER.exec(header.trim());
    if (match === null) {
      throw new UnauthorizedError(
        'AUTH.MALFORMED_AUTHORIZATION',
        'The Authorization header must be "Bearer <key>"',
      );
    }
    const entry = this.keys.lookup(match[1]);
    if (entry === undefined) throw new UnauthorizedError('AUTH.UNKNOWN_KEY', 'The API key is not known');
    const decision = authorizeKey(entry, requiredScopes);
    if (!decision.allowed) {
      const missing = decision.missingScopes.join(', ');
      throw new ForbiddenError('AUTH.MISSING_SCOPE', `This API key lacks the scope ${missing}`);
    }
    return decision.principal;
  }
}
