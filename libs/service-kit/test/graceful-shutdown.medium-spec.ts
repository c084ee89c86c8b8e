import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Pool } from 'pg';
import { INGEST_ORDERS_TOPIC } from '@opsline/contracts';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createPlatformApp, loadConfig } from '@opsline/platform';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { BrokerFixture, startTestBroker, waitFor } from '../../kafka-broker/test/broker-fixture';
import { DatabaseServiceEnvironment } from '../src';
import {
  CONFIRMATIONS_TOPIC,
  HandlerProbe,
  SERVICE_SCHEMA,
  SlowOrderServiceModule,
} from './slow-order-service';

jest.setTimeout(60_000);

const CONSUMER_GROUP = `opsline-${SERVICE_SCHEMA}`;
const WORK_MS = 300;
const EVENT_IDS = ['sd-1', 'sd-2', 'sd-3', 'sd-4', 'sd-5', 'sd-6'];
const ORDER_ID = 'ORD-SHUTDOWN';

let broker: BrokerFixture;
let db: TestDatabase;
let pool: Pool;
let kafka: Kafka;
let producer: Producer;
let environment: DatabaseServiceEnvironment;
const openApps = new Set<NestFastifyApplication>();

beforeAll(async () => {
  [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: __filename })]);
  pool = new Pool({ connectionString: db.url, max: 2 });
  environment = loadConfig(DatabaseServiceEnvironment, {
    PORT: '3999',
    DATABASE_URL: db.url,
    KAFKA_BROKERS: broker.broker.address,
    OPSLINE_API_KEYS: 'k=orders:write',
    LOG_LEVEL: 'silent',
  });
  kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'shutdown-spec',
    logLevel: logLevel.NOTHING,
  });
  producer = kafka.producer({ maxInFlightRequests: 1 });
  await producer.connect();
});

afterAll(async () => {
  for (const app of openApps) await app.close();
  await producer?.disconnect();
  await pool?.end();
  await db?.drop();
  await broker?.stop();
});

async function startService(probe: HandlerProbe): Promise<NestFastifyApplication> {
  const { app } = await createPlatformApp({
    name: SERVICE_SCHEMA,
    rootModule: SlowOrderServiceModule.forRoot(environment, probe),
    environment,
    handleSignals: false,
  });
  openApps.add(app);
  return app;
}

/** `app.close()` is what SIGTERM runs (bootstrapService adds only the deadline around it). */
async function closeService(app: NestFastifyApplication): Promise<number> {
  const startedAt = Date.now();
  openApps.delete(app);
  await app.close();
  return Date.now() - startedAt;
}

/** One key, one produce request: the events land in one partition and are fetched as one batch. */
async function placeOrders(ids: readonly string[]): Promise<void> {
  await producer.send({
    topic: INGEST_ORDERS_TOPIC,
    acks: -1,
    messages: ids.map((id) => ({
      key: ORDER_ID,
      value: JSON.stringify({ ...exampleEvent('opsline.order.placed.v1'), id, subject: ORDER_ID }),
    })),
  });
}

async function timesApplied(): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ event_id: string; n: string }>(
    `SELECT event_id, count(*) AS n FROM ${SERVICE_SCHEMA}.applied_orders GROUP BY event_id`,
  );
  return Object.fromEntries(rows.map((row) => [row.event_id, Number(row.n)]));
}

async function unpublishedOutboxRows(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${SERVICE_SCHEMA}.outbox WHERE published_at IS NULL`,
  );
  return Number(rows[0].n);
}

/** Event ids on a topic, read from the beginning until `count` have arrived. */
async function eventIdsOn(topic: string, count: number): Promise<string[]> {
  const reader = kafka.consumer({ groupId: `reader-${Date.now()}`, maxWaitTimeInMs: 100 });
  const ids: string[] = [];
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) =>
      void ids.push((JSON.parse(String(message.value)) as { id: string }).id),
  });
  await waitFor(`${count} events on ${topic}`, () => (ids.length >= count ? true : undefined));
  await reader.disconnect();
  return ids.sort();
}

// One scenario in steps: a shutdown with a batch in flight, what it left committed, and a restart.
describe('graceful shutdown of a service (what SIGTERM runs)', () => {
  it('finishes the batch in flight and publishes the outbox entries it wrote, within SHUTDOWN_TIMEOUT_MS', async () => {
    const probe: HandlerProbe = { started: [], workMs: WORK_MS };
    const app = await startService(probe);
    await placeOrders(EVENT_IDS);
    await waitFor('the batch to be in flight', () => (probe.started.length > 0 ? true : undefined));

    const closeMs = await closeService(app);

    expect(closeMs).toBeLessThan(environment.SHUTDOWN_TIMEOUT_MS);
    // Nothing was cut short: every event of the batch was applied by the time close() returned, each once.
    expect(probe.started).toEqual(EVENT_IDS);
    expect(await timesApplied()).toEqual(Object.fromEntries(EVENT_IDS.map((id) => [id, 1])));
    // The outbox rows committed with the batch, i.e. during the shutdown, were published before it ended.
    expect(await unpublishedOutboxRows()).toBe(0);
    expect(await eventIdsOn(CONFIRMATIONS_TOPIC, EVENT_IDS.length)).toEqual(
      EVENT_IDS.map((id) => `confirmed-${id}`).sort(),
    );
  });

  // kafkajs skips consumer.commitOffsets() once stop() has begun; the consumer commits through the batch's handle.
  it('commits the offsets of the batch it finished while stopping', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(INGEST_ORDERS_TOPIC),
      admin.fetchOffsets({ groupId: CONSUMER_GROUP, topics: [INGEST_ORDERS_TOPIC] }),
    ]);
    await admin.disconnect();
    const used = ends.filter((p) => p.high !== p.low);
    const committedOf = (partition: number): string | undefined =>
      committed.partitions.find((c) => c.partition === partition)?.offset;

    expect(used.map((p) => ({ partition: p.partition, committed: committedOf(p.partition) }))).toEqual([
      { partition: used[0]?.partition, committed: String(EVENT_IDS.length) },
    ]);
  });

  it('a restarted service applies only what came after the shutdown: each event exactly once', async () => {
    const probe: HandlerProbe = { started: [], workMs: 0 };
    const app = await startService(probe);
    await placeOrders(['sd-after-restart']);
    await waitFor('the new event applied', async () =>
      (await timesApplied())['sd-after-restart'] === 1 ? true : undefined,
    );
    await closeService(app);

    expect(probe.started).toEqual(['sd-after-restart']);
    expect(await timesApplied()).toEqual(
      Object.fromEntries([...EVENT_IDS, 'sd-after-restart'].map((id) => [id, 1])),
    );
    expect(await unpublishedOutboxRows()).toBe(0);
  });
});
