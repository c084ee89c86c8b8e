/**
 * The oracle test of the KPI service: a seeded scenario of ingest events goes through the real
 * ingest topics of all four running services (broker and PostgreSQL real), and every metric of
 * every bucket and filter of `GET /kpis` must equal an independent computation over the same
 * events (`expected-kpis.ts`). Then the same events, shuffled between aggregates and with 20%
 * sent twice, on a fresh system, must give the same answers.
 */
import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { DatabaseServiceEnvironment } from '@opsline/service-kit';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { Kafka, logLevel } from 'kafkajs';
import { BrokerFixture, startTestBroker, waitFor } from '../../../../libs/kafka-broker/test/broker-fixture';
import { seededRandom } from '../../../../tools/simulate/event-stream';
import { InventoryEnvironment } from '../../../inventory/src/inventory.environment';
import { InventoryModule } from '../../../inventory/src/inventory.module';
import { OrdersEnvironment } from '../../../orders/src/orders.environment';
import { OrdersModule } from '../../../orders/src/orders.module';
import { ReturnsEnvironment } from '../../../returns/src/returns.environment';
import { ReturnsModule } from '../../../returns/src/returns.module';
import { KpiEnvironment } from '../../src/kpi.environment';
import { KpiModule } from '../../src/kpi.module';
import { expectedKpis, KpiQuery, Metrics, scenarioFacts } from './expected-kpis';
import { generateScenario, ScenarioEvent } from './scenario';

jest.setTimeout(600_000);

const SEED = 20_261_125;
// 800 orders make 2,414 events (counts, returns, receipts, inspections included)
const ORDER_COUNT = Number(process.env.KPI_ORACLE_ORDERS ?? 800);
const scenario = generateScenario(SEED, ORDER_COUNT);
const facts = scenarioFacts(scenario);

const RANGE = { from: '2026-10-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };
const QUERIES: KpiQuery[] = [
  { ...RANGE, granularity: 'day' },
  { ...RANGE, granularity: 'week' },
  { ...RANGE, granularity: 'month' },
  { from: '2026-10-05T00:00:00.000Z', to: '2026-10-07T00:00:00.000Z', granularity: 'hour' },
  { ...RANGE, granularity: 'week', warehouseId: 'WH-1' },
  { ...RANGE, granularity: 'week', warehouseId: 'WH-3' },
  { ...RANGE, granularity: 'week', sku: 'SKU-2' },
  { ...RANGE, granularity: 'week', sku: 'SKU-Z1' },
  { ...RANGE, granularity: 'day', channel: 'marketplace' },
  { ...RANGE, granularity: 'month', warehouseId: 'WH-2', channel: 'webshop', sku: 'SKU-4' },
];

interface RunningSystem {
  broker: BrokerFixture;
  db: TestDatabase;
  apps: NestFastifyApplication[];
  kpi: NestFastifyApplication;
}

async function startSystem(name: string): Promise<RunningSystem> {
  const [broker, db] = await Promise.all([
    startTestBroker({ defaultPartitions: 3 }),
    createTestDatabase({ name: `${__filename}-${name}` }),
  ]);
  const vars = { DATABASE_URL: db.url, KAFKA_BROKERS: broker.broker.address };
  const start = <E extends DatabaseServiceEnvironment>(
    serviceName: string,
    Environment: new () => E,
    module: (environment: E) => DynamicModule,
  ) => startServiceForTest({ name: serviceName, Environment, module }, vars);
  const apps = [
    await start('orders', OrdersEnvironment, (env) => OrdersModule.forRoot(env)),
    await start('inventory', InventoryEnvironment, (env) => InventoryModule.forRoot(env)),
    await start('returns', ReturnsEnvironment, (env) => ReturnsModule.forRoot(env)),
    await start('kpi', KpiEnvironment, (env) => KpiModule.forRoot(env)),
  ];
  return { broker, db, apps, kpi: apps[3] };
}

async function stopSystem(system: RunningSystem): Promise<void> {
  for (const app of system.apps.reverse()) await app.close();
  if (process.env.KPI_ORACLE_KEEP_DATABASE === '1') process.stderr.write(`kept ${system.db.url}\n`);
  else await system.db.drop();
  await system.broker.stop();
}

/** Produces the events to their ingest topics, keyed by subject, in the given order. */
async function produce(system: RunningSystem, events: readonly ScenarioEvent[]): Promise<void> {
  const kafka = new Kafka({
    brokers: [system.broker.broker.address],
    clientId: 'kpi-oracle',
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  for (let i = 0; i < events.length; i += 200) {
    const slice = events.slice(i, i + 200);
    await producer.sendBatch({
      acks: -1,
      topicMessages: slice.map(({ topic, event }) => ({
        topic,
        messages: [{ key: event.subject, value: JSON.stringify(event) }],
      })),
    });
  }
  await producer.disconnect();
}

async function getKpis(
  kpi: NestFastifyApplication,
  query: KpiQuery,
): Promise<{ buckets: { start: string; end: string; metrics: Metrics }[]; totals: Metrics }> {
  const params = new URLSearchParams(
    Object.entries(query).filter(([, value]) => value !== undefined) as [string, string][],
  );
  const response = await kpi.inject({
    method: 'GET',
    url: `/kpis?${params}`,
    headers: { authorization: 'Bearer dev-key' },
  });
  if (response.statusCode !== 200)
    throw new Error(`GET /kpis?${params}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** Numbers rounded to 9 digits; a cycle-time object of nulls is the same as null. */
function normalized(metrics: Metrics): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(metrics).map(([name, value]) => {
      if (typeof value === 'number') return [name, Math.round(value * 1e9) / 1e9];
      if (value !== null && typeof value === 'object') {
        const parts = Object.entries(value);
        return [
          name,
          parts.every(([, v]) => v === null)
            ? null
            : Object.fromEntries(parts.map(([k, v]) => [k, v === null ? null : Math.round(v * 1e9) / 1e9])),
        ];
      }
      return [name, value];
    }),
  );
}

/** The differences between what the service answered and the oracle, as readable lines. */
function differences(query: KpiQuery, actual: Awaited<ReturnType<typeof getKpis>>): string[] {
  const expected = expectedKpis(facts, query);
  const found: string[] = [];
  const label = JSON.stringify(query);
  if (actual.buckets.length !== expected.buckets.length)
    found.push(`${label}: ${actual.buckets.length} buckets, expected ${expected.buckets.length}`);
  const compare = (where: string, got: Metrics | undefined, want: Metrics) => {
    const g = normalized(got ?? {});
    const w = normalized(want);
    for (const name of Object.keys(w)) {
      if (JSON.stringify(g[name]) !== JSON.stringify(w[name]))
        found.push(
          `${label} ${where} ${name}: got ${JSON.stringify(g[name])}, expected ${JSON.stringify(w[name])}`,
        );
    }
  };
  expected.buckets.forEach((bucket, i) => {
    const got = actual.buckets[i];
    if (got?.start !== bucket.start)
      found.push(`${label} bucket ${i} starts ${got?.start}, expected ${bucket.start}`);
    compare(`bucket ${bucket.start}`, got?.metrics, bucket.metrics);
  });
  compare('totals', actual.totals, expected.totals);
  return found;
}

async function expectOracleAnswers(system: RunningSystem): Promise<void> {
  const whole = QUERIES[2];
  // caught up when the whole range's totals agree (or the wait ends and the diff is reported)
  await waitFor(
    'the KPI read model to catch up with the scenario',
    async () => (differences(whole, await getKpis(system.kpi, whole)).length === 0 ? true : undefined),
    180_000,
  ).catch(() => undefined);
  const found: string[] = [];
  for (const query of QUERIES) found.push(...differences(query, await getKpis(system.kpi, query)));
  // dead letters explain most differences: show them beside the first ones
  const explained = found.length === 0 ? [] : [...found.slice(0, 30), ...(await deadLetters(system))];
  expect(explained).toEqual([]);
}

/** Every dead letter the services wrote, as `topic: consumer group: error` lines. */
async function deadLetters(system: RunningSystem): Promise<string[]> {
  const kafka = new Kafka({
    brokers: [system.broker.broker.address],
    clientId: 'kpi-oracle-dlq',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.endsWith('.dlq'));
  let expected = 0;
  for (const topic of topics) {
    for (const partition of await admin.fetchTopicOffsets(topic)) expected += Number(partition.high);
  }
  await admin.disconnect();
  if (expected === 0) return ['no dead letters'];
  const lines: string[] = [];
  const consumer = kafka.consumer({ groupId: `kpi-oracle-dlq-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const header = (name: string) => message.headers?.[name]?.toString() ?? '';
      lines.push(`${topic}: ${header('opsline-dlq-consumer-group')}: ${header('opsline-dlq-error')}`);
    },
  });
  await waitFor('the dead letters', () => (lines.length >= expected ? true : undefined), 20_000).catch(
    () => undefined,
  );
  await consumer.disconnect();
  return lines;
}

/**
 * Shuffles events between aggregates, keeping the order of each (topic, subject) as a partition
 * would. The opening stock stays first: which orders get stock at their first allocation attempt
 * depends on what arrived before them (that is what "first attempt" means), so a shuffle that
 * moved the receipts would change `lineFillRate` for real, not by a fault.
 */
function shuffledWithDuplicates(events: readonly ScenarioEvent[], seed: number): ScenarioEvent[] {
  const random = seededRandom(seed);
  const isOpeningStock = (item: ScenarioEvent) => item.event.type === 'opsline.wms.goods-received.v1';
  const withDuplicates = events
    .filter((item) => !isOpeningStock(item))
    .flatMap((item) => (random() < 0.2 ? [item, item] : [item]));
  const queues = new Map<string, ScenarioEvent[]>();
  for (const item of withDuplicates) {
    const key = `${item.topic} ${item.event.subject}`;
    queues.set(key, [...(queues.get(key) ?? []), item]);
  }
  const pending = [...queues.values()];
  const out: ScenarioEvent[] = events.filter(isOpeningStock);
  while (pending.length > 0) {
    const i = Math.floor(random() * pending.length);
    out.push(pending[i].shift() as ScenarioEvent);
    if (pending[i].length === 0) pending.splice(i, 1);
  }
  return out;
}

describe('KPIs from the event stream equal an independent computation over the same events', () => {
  it('has a scenario that exercises every metric', () => {
    const totals = expectedKpis(facts, QUERIES[2]).totals;
    for (const name of [
      'ordersCancelled',
      'ordersShipped',
      'unitsReturned',
      'returnsRejected',
      'unitsInspected',
    ]) {
      expect(totals[name]).toBeGreaterThan(0);
    }
    for (const name of [
      'lineFillRate',
      'backorderRate',
      'onTimeShipmentRate',
      'perfectOrderRate',
      'restockRate',
      'recoveryRate',
      'inventoryAccuracy',
    ]) {
      expect(totals[name]).toBeGreaterThan(0);
      expect(totals[name]).toBeLessThan(1);
    }
  });

  it('in business-time order', async () => {
    const system = await startSystem('ordered');
    try {
      await produce(system, scenario);
      await expectOracleAnswers(system);
    } finally {
      await stopSystem(system);
    }
  });

  it('shuffled between aggregates and with 20% of the events sent twice', async () => {
    const system = await startSystem('shuffled');
    try {
      await produce(system, shuffledWithDuplicates(scenario, SEED + 1));
      await expectOracleAnswers(system);
    } finally {
      await stopSystem(system);
    }
  });
});
