import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { TooManyRequestsError, UnauthorizedError } from '../errors/domain-error';
import type { Principal } from './principal';
import { RateLimiter } from './rate-limiter';
import {
  type AuthenticatedRequest,
  PRINCIPAL_PROPERTY,
  PUBLIC_ROUTE_KEY,
  REQUIRED_SCOPES_KEY,
} from './auth.decorators';

interface HeaderBearingRequest extends AuthenticatedRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly ip?: string;
}

/**
 * The global guard: public routes pass; every other HTTP route needs a known API key holding the
 * route's {@link RequireScopes}, and gets the caller's principal on the request. Non-HTTP handlers
 * (Kafka) are not its business.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly rateLimiter: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE_KEY, targets) === true) return true;
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES_KEY, targets) ?? [];
    const request = context.switchToHttp().getRequest<HeaderBearingRequest>();
    let principal: Principal;
    try {
      principal = this.authenticator.authenticate(request.headers.authorization, scopes);
    } catch (error) {
      // guessing keys costs the guesser's address its budget; the answer stays 401 until it runs out
      if (error instanceof UnauthorizedError) this.spend(`address ${request.ip ?? 'unknown'}`);
      throw error;
    }
    this.spend(`key ${principal.keyId}`);
    request[PRINCIPAL_PROPERTY] = principal;
    return true;
  }

  /** @throws TooManyRequestsError `REQUEST.RATE_LIMITED` when `client` has no budget left */
  private spend(client: string): void {
    const decision = this.rateLimiter.take(client);
    if (!decision.allowed) {
      throw new TooManyRequestsError(
        'REQUEST.RATE_LIMITED',
        `Too many requests; retry in ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    }
  }
}
