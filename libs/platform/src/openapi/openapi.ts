import { type INestApplication, Logger } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PUBLIC_OPENAPI_EXTENSION } from '../auth/auth.decorators';

/** Options of {@link setupOpenApi}. */
export interface OpenApiOptions {
  readonly serviceName: string;
  readonly version: string;
}

/** Where the UI is served; the JSON document is at `/docs-json`. */
export const OPENAPI_PATH = 'docs';

/**
 * Builds the service's OpenAPI document (bearer auth required by default, `security: []` on
 * {@link Public} routes) and serves it at `/docs` (UI) and `/docs-json`.
 */
export function setupOpenApi(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`opsline ${options.serviceName} ${options.version}`)
    .setDescription(
      `The opsline ${options.serviceName} service. Send "Authorization: Bearer <key>"; keys and scopes ` +
        'come from OPSLINE_API_KEYS. Errors answer { "error": { code, message, fields? } }.',
    )
    .setVersion(options.version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key from OPSLINE_API_KEYS' })
    .addSecurityRequirements('bearer')
    .build();
  const document = markPublicOperations(SwaggerModule.createDocument(app, config));
  const uiProblem = swaggerUiProblem();
  if (uiProblem !== undefined) {
    new Logger('OpenApi').warn(`Swagger UI disabled, /${OPENAPI_PATH}-json still served: ${uiProblem}`);
  }
  SwaggerModule.setup(OPENAPI_PATH, app, document, {
    jsonDocumentUrl: `${OPENAPI_PATH}-json`,
    raw: ['json'],
    ui: uiProblem === undefined,
  });
  return document;
}

/**
 * Why the UI's static file plugin cannot load, if it cannot. Nest would otherwise `process.exit(1)`.
 * It happens under Jest, which cannot `require` the ESM-only `content-disposition` that
 * `@fastify/static` uses (Node >= 20.19 can).
 */
function swaggerUiProblem(): string | undefined {
  try {
    // A synchronous probe of the very module Nest will require; `import()` would not fail the same way.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@fastify/static');
    return undefined;
  } catch (error) {
    return `@fastify/static could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

/** Public operations need no key: OpenAPI says so with an empty `security` list. */
function markPublicOperations(document: OpenAPIObject): OpenAPIObject {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      if (typeof operation !== 'object' || operation === null || !(PUBLIC_OPENAPI_EXTENSION in operation)) {
        continue;
      }
      const publicOperation = operation as Record<string, unknown>;
      delete publicOperation[PUBLIC_OPENAPI_EXTENSION];
      publicOperation.security = [];
    }
  }
  return document;
}
