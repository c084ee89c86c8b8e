/**
 * KPI_ROLE=api: a process that serves the read API from the read models another process (the
 * projector, here KPI_ROLE=all) keeps. It never joins the consumer group, answers exactly what the
 * projector answers, and a rebuild asked of it is run by the projector; it follows the switch.
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { KPI_CONSUMER_GROUP } from '../src/infrastructure/kpi-tables';
import { LiveKpiTables } from '../src/infrastructure/read-models/read-model-versions.repository';
import { KpiEnvironment } from '../src/kpi.environment';
import { KpiModule } from '../src/kpi.module';
import { kpiScenario, shuffledWithDuplicates } from './kpi-scenario';
import { AUTH, KpiStack, startKpiStack } from './kpi-stack';

jest.setTimeout(180_000);

const URLS = [
  '/kpis?from=2026-11-16T00:00:00.000Z&to=2026-11-20T00:00:00.000Z&granularity=day',
  '/kpis?from=2026-11-16T00:00:00.000Z&to=2026-11-20T00:00:00.000Z&granularity=week&warehouseId=WH-1',
  '/kpis/returns/reasons?from=2026-11-16T00:00:00.000Z&to=2026-11-20T00:00:00.000Z',
  '/kpis/inventory',
];

let stack: KpiStack;
let api: NestFastifyApplication;

/** The answers without `freshness` (lag and computedAt are about the moment and the process). */
async function answersOf(app: NestFastifyApplication): Promise<unknown[]> {
  return Promise.all(
    URLS.map(async (url) => {
      const response = await app.inject({ method: 'GET', url, headers: AUTH });
      expect([url, response.statusCode]).toEqual([url, 200]);
      const body = response.json() as Record<string, unknown>;
      if (Array.isArray(body)) return body;
      const { freshness: _freshness, ...rest } = body;
      return rest;
    }),
  );
}

beforeAll(async () => {
  stack = await startKpiStack(__filename);
  api = await startServiceForTest(
    { name: 'kpi', Environment: KpiEnvironment, module: (env) => KpiModule.forRoot(env) },
    { DATABASE_URL: stack.db.url, KAFKA_BROKERS: stack.brokerAddress, KPI_ROLE: 'api' },
  );
  await stack.publish(shuffledWithDuplicates(kpiScenario(20261126, 60), 5, 30), 9);
  await stack.waitUntilApplied();
});

afterAll(async () => {
  await api?.close();
  await stack?.stop();
});

it('answers what the projector answers, without joining the consumer group', async () => {
  const projectorAnswers = await waitFor('answers computed after the last write', async () => {
    const [a, b] = [await answersOf(stack.app), await answersOf(api)];
    return JSON.stringify(a) === JSON.stringify(b) ? a : undefined;
  });
  expect(JSON.stringify(projectorAnswers)).toContain('"ordersPlaced":');

  const kafka = new Kafka({
    brokers: [stack.brokerAddress],
    clientId: 'roles-spec',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const { groups } = await admin.describeGroups([KPI_CONSUMER_GROUP]);
  await admin.disconnect();
  expect(groups[0].members).toHaveLength(1);
});

it('registers a rebuild that the projector runs, and follows the switch', async () => {
  const before = await answersOf(api);
  const started = await api.inject({ method: 'POST', url: '/admin/read-models/rebuild', headers: AUTH });
  expect(started.statusCode).toBe(202);
  expect(started.json()).toMatchObject({ rebuildId: 'v2', status: 'running' });

  await waitFor(
    'the projector to run the rebuild and the api process to follow the switch',
    async () => {
      const progress = await api.inject({ method: 'GET', url: '/admin/read-models/rebuild', headers: AUTH });
      const body = progress.json() as { liveSchema: string; rebuild: { status: string } };
      return body.rebuild.status === 'switched' ? true : undefined;
    },
    90_000,
  );
  // the api process reads the new version within its refresh period (5 s)
  await waitFor(
    'the api process to read kpi_v2',
    async () => (api.get(LiveKpiTables).tables.schema === 'kpi_v2' ? true : undefined),
    20_000,
  );
  expect(await answersOf(api)).toEqual(before);
});
