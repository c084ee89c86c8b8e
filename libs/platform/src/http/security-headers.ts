import type { FastifyInstance } from 'fastify';
import { OPENAPI_PATH } from '../openapi/openapi';

/** Headers every response carries: the API serves JSON only, never to be framed, sniffed or embedded. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * The Swagger UI at `/docs` loads its own scripts, styles (one inline block) and images and fetches
 * `/docs-json`; everything else stays forbidden.
 */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const DOCS_UI_PATH = new RegExp(`^/${OPENAPI_PATH}(/|\\?|$)`);

/**
 * The kpi service's dashboard at `/dashboard` (static files, no data): its own scripts and styles,
 * API calls to the same origin, nothing inline, never framed.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const DASHBOARD_PATH = /^\/dashboard(\/|\?|$)/;

/** Sets {@link SECURITY_HEADERS} on every response (errors and 404s included) and drops `X-Powered-By`. */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
    if (DOCS_UI_PATH.test(request.url))
      void reply.header('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
    if (DASHBOARD_PATH.test(request.url))
      void reply.header('content-security-policy', DASHBOARD_CONTENT_SECURITY_POLICY);
    reply.removeHeader('x-powered-by');
    done(null, payload);
  });
}
