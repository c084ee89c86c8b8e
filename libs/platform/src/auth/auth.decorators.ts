import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../openapi/error-response.dto';
import type { Principal } from './principal';

/** Metadata key of {@link RequireScopes}. */
export const REQUIRED_SCOPES_KEY = 'opsline:required-scopes';
/** Metadata key of {@link Public}. */
export const PUBLIC_ROUTE_KEY = 'opsline:public-route';
/** OpenAPI extension that marks public operations; the document builder turns it into `security: []`. */
export const PUBLIC_OPENAPI_EXTENSION = 'x-opsline-public';

/**
 * The route (or every route of the controller) needs an API key holding all these scopes; `admin`
 * holds every scope. A method's decorator replaces its controller's. Declares bearer auth in OpenAPI.
 */
export function RequireScopes(...scopes: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES_KEY, scopes),
    ApiBearerAuth(),
    ApiExtension('x-required-scopes', scopes),
    ApiUnauthorizedResponse({ description: 'Missing or unknown API key', type: ErrorResponseDto }),
    ApiForbiddenResponse({ description: `The API key lacks ${scopes.join(', ')}`, type: ErrorResponseDto }),
  );
}

/** The route needs no API key (health, metrics). Routes without any decorator still need a known key. */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(PUBLIC_ROUTE_KEY, true), ApiExtension(PUBLIC_OPENAPI_EXTENSION, true));
}

/** The request property holding the {@link Principal} the guard established. */
export const PRINCIPAL_PROPERTY = 'principal';

/** A request after the guard ran: `principal` is set on every non-public route. */
export interface AuthenticatedRequest {
  [PRINCIPAL_PROPERTY]?: Principal;
}

/** The caller's {@link Principal}; `undefined` on a public route. */
export function principalOf(request: object): Principal | undefined {
  return (request as AuthenticatedRequest)[PRINCIPAL_PROPERTY];
}

/** Injects the caller's {@link Principal} into a handler parameter. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined =>
    principalOf(context.switchToHttp().getRequest<object>()),
);
