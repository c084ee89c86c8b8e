import Fastify from 'fastify';
import {
  DASHBOARD_CONTENT_SECURITY_POLICY,
  DOCS_CONTENT_SECURITY_POLICY,
  installSecurityHeaders,
  SECURITY_HEADERS,
} from './security-headers';

async function serverWithRoutes() {
  const fastify = Fastify();
  installSecurityHeaders(fastify);
  fastify.get('/things', async (_request, reply) => reply.header('x-powered-by', 'leaky').send({ ok: true }));
  fastify.get('/boom', async () => {
    throw new Error('boom');
  });
  fastify.get('/docs', async (_request, reply) => reply.type('text/html').send('<html></html>'));
  fastify.get('/docs/swagger-ui-init.js', async (_request, reply) => reply.type('text/javascript').send('1'));
  fastify.get('/docs-json', async () => ({ openapi: '3.0.0' }));
  fastify.get('/dashboard/', async (_request, reply) => reply.type('text/html').send('<html></html>'));
  fastify.get('/dashboard/app.js', async (_request, reply) => reply.type('text/javascript').send('1'));
  await fastify.ready();
  return fastify;
}

describe('installSecurityHeaders', () => {
  it('sets the security headers on successes, errors and unknown routes, and drops X-Powered-By', async () => {
    const fastify = await serverWithRoutes();
    for (const url of ['/things', '/boom', '/nowhere', '/docs-json', '/documents']) {
      const response = await fastify.inject({ method: 'GET', url });
      expect({ url, headers: response.headers }).toMatchObject({ url, headers: SECURITY_HEADERS });
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
    await fastify.close();
  });

  it('lets the Swagger UI load its own scripts and styles, still never framed', async () => {
    const fastify = await serverWithRoutes();
    for (const url of ['/docs', '/docs/', '/docs/swagger-ui-init.js', '/docs?x=1']) {
      const response = await fastify.inject({ method: 'GET', url });
      expect(response.headers['content-security-policy']).toBe(DOCS_CONTENT_SECURITY_POLICY);
      expect(response.headers['x-frame-options']).toBe('DENY');
    }
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    await fastify.close();
  });

  it('lets the dashboard load its own files and call the API of its origin, nothing inline, never framed', async () => {
    const fastify = await serverWithRoutes();
    for (const url of ['/dashboard', '/dashboard/', '/dashboard/app.js', '/dashboard/?warehouseId=WH-1']) {
      const response = await fastify.inject({ method: 'GET', url });
      expect({ url, csp: response.headers['content-security-policy'] }).toEqual({
        url,
        csp: DASHBOARD_CONTENT_SECURITY_POLICY,
      });
      expect(response.headers['x-frame-options']).toBe('DENY');
    }
    const dashboardsLookalike = await fastify.inject({ method: 'GET', url: '/dashboards' });
    expect(dashboardsLookalike.headers['content-security-policy']).toBe(
      SECURITY_HEADERS['content-security-policy'],
    );
    const directives = DASHBOARD_CONTENT_SECURITY_POLICY.split('; ');
    expect(directives).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
      ]),
    );
    expect(DASHBOARD_CONTENT_SECURITY_POLICY).not.toContain('unsafe-');
    await fastify.close();
  });
});
