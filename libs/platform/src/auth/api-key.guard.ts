import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import {
  type AuthenticatedRequest,
  PRINCIPAL_PROPERTY,
  PUBLIC_ROUTE_KEY,
  REQUIRED_SCOPES_KEY,
} from './auth.decorators';

interface HeaderBearingRequest extends AuthenticatedRequest {
  readonly headers: Record<string, string | string[] | undefined>;
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
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE_KEY, targets) === true) return true;
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES_KEY, targets) ?? [];
    const request = context.switchToHttp().getRequest<HeaderBearingRequest>();
    request[PRINCIPAL_PROPERTY] = this.authenticator.authenticate(request.headers.authorization, scopes);
    return true;
  }
}
