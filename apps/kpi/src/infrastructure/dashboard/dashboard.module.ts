import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { DASHBOARD_PREFIX, dashboardDirectory, loadStaticPlugin, serveDashboard } from './dashboard-files';

/**
 * The operations dashboard (`apps/kpi/dashboard`) at `/dashboard/`: static files registered on the
 * Fastify instance, outside Nest's router and its key guard; the page asks for a key and sends it
 * with every API call. A service without the files or the plugin starts anyway, with a warning.
 */
@Module({})
export class DashboardModule implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  async onModuleInit(): Promise<void> {
    const root = dashboardDirectory();
    const plugin = loadStaticPlugin();
    if (root === undefined || typeof plugin === 'string') {
      this.logger.warn(
        `dashboard not served at ${DASHBOARD_PREFIX}: ${root === undefined ? 'its files are missing' : plugin}`,
      );
      return;
    }
    await serveDashboard(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), plugin, root);
  }
}
