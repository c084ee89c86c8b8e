import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';

/** Where the dashboard is served; the page itself holds no data, so its files need no key. */
export const DASHBOARD_PREFIX = '/dashboard/';

/**
 * The dashboard's folder: `apps/kpi/dashboard` beside the sources under ts-node, and the copy
 * `npm run build` puts beside the compiled output (`dist/apps/kpi/dashboard`). Undefined when absent.
 */
export function dashboardDirectory(from: string = __dirname): string | undefined {
  const directory = join(from, '..', '..', '..', 'dashboard');
  return existsSync(join(directory, 'index.html')) ? directory : undefined;
}

/**
 * `@fastify/static`, or why it cannot be loaded: under Jest it cannot (it requires the ESM-only
 * `content-disposition`), and a service must still start there.
 */
export function loadStaticPlugin(): FastifyPluginCallback<Record<string, unknown>> | string {
  try {
    // A synchronous require, so that the failure is caught here (as setupOpenApi does for Swagger UI).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('@fastify/static') as { default: FastifyPluginCallback<Record<string, unknown>> };
    return loaded.default;
  } catch (error) {
    return `@fastify/static could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

/**
 * Serves the files of `root` under {@link DASHBOARD_PREFIX}: one route per file found at start (no
 * wildcard, so nothing else on disk can be reached), `/dashboard/` answering `index.html` and
 * `/dashboard` redirecting there. Dot files are never served.
 */
export async function serveDashboard(
  fastify: FastifyInstance,
  plugin: FastifyPluginCallback<Record<string, unknown>>,
  root: string,
): Promise<void> {
  await fastify.register(plugin, {
    root,
    prefix: DASHBOARD_PREFIX,
    wildcard: false,
    index: ['index.html'],
    redirect: true,
    serveDotFiles: false,
    // the Swagger UI registers the plugin too: reply.sendFile must not be decorated twice
    decorateReply: false,
    // files change with a deploy: browsers revalidate (ETag) rather than keep a stale page
    cacheControl: true,
    maxAge: 0,
  });
}
