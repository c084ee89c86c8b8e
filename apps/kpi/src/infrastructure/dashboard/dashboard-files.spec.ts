import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD_CONTENT_SECURITY_POLICY, installSecurityHeaders } from '@opsline/platform';
import Fastify, { FastifyInstance } from 'fastify';
import { dashboardDirectory, loadStaticPlugin, serveDashboard } from './dashboard-files';

// Jest cannot `require` ESM-only packages (Node >= 20.19 can): @fastify/static requires the ESM-only
// content-disposition for downloads, which the dashboard never offers.
jest.mock('content-disposition', () => ({
  create: () => 'attachment',
  parse: () => ({ type: 'attachment' }),
}));

let root: string;
let fastify: FastifyInstance;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'dashboard-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./app.js"></script>');
  writeFileSync(join(root, 'app.js'), 'export {};\n');
  writeFileSync(join(root, 'styles.css'), 'body {}\n');
  writeFileSync(join(root, '.env'), 'SECRET=1\n');
  const plugin = loadStaticPlugin();
  if (typeof plugin === 'string') throw new Error(plugin);
  fastify = Fastify();
  installSecurityHeaders(fastify);
  await serveDashboard(fastify, plugin, root);
  await fastify.ready();
  // written after start: with no wildcard route it must not be served
  writeFileSync(join(root, 'late.js'), 'export {};\n');
});

afterAll(async () => {
  await fastify.close();
  rmSync(root, { recursive: true, force: true });
});

describe('dashboardDirectory', () => {
  it('finds apps/kpi/dashboard from the sources, as from the compiled copy beside dist', () => {
    expect(dashboardDirectory()).toBe(join(__dirname, '..', '..', '..', 'dashboard'));
    expect(dashboardDirectory(join(root, 'a', 'b', 'c'))).toBeUndefined();
  });
});

describe('serveDashboard', () => {
  it('answers the page without a key, under the dashboard CSP, and redirects /dashboard there', async () => {
    const page = await fastify.inject({ method: 'GET', url: '/dashboard/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('src="./app.js"');
    expect(page.headers['content-security-policy']).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
    const bare = await fastify.inject({ method: 'GET', url: '/dashboard' });
    expect({ status: bare.statusCode, location: bare.headers.location }).toEqual({
      status: 301,
      location: '/dashboard/',
    });
  });

  it('serves the modules and styles with their media types', async () => {
    const script = await fastify.inject({ method: 'GET', url: '/dashboard/app.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    const styles = await fastify.inject({ method: 'GET', url: '/dashboard/styles.css' });
    expect(styles.headers['content-type']).toMatch(/^text\/css/);
  });

  it('serves nothing else: no dot file, no path out of the folder, no file added after start', async () => {
    for (const url of [
      '/dashboard/.env',
      '/dashboard/../package.json',
      '/dashboard/%2e%2e/%2e%2e/etc/passwd',
      '/dashboard/late.js',
      '/dashboard/missing.js',
    ]) {
      const response = await fastify.inject({ method: 'GET', url });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
      expect(response.body).not.toContain('SECRET');
    }
  });
});
