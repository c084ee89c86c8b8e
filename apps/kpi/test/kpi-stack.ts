import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { BrokerFixture, startTestBroker, waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import type { TopicEvent } from '../src/domain/kpi.fixtures';
import { KPI_SOURCE_TOPICS } from '../src/infrastructure/consumer-lag.reader';
import { KpiEnvironment } from '../src/kpi.environment';
import { KpiModule } from '../src/kpi.module';

/** A broker, a database and the kpi service on them, for one medium test. */
export interface KpiStack {
  readonly app: NestFastifyApplication;
  readonly db: TestDatabase;
  /** The broker's `host:port`, to start more processes of the service on the same system. */
  readonly brokerAddress: string;
  publish(events: readonly TopicEvent[], chunkSize?: number): Promise<void>;
  /** Resolves once the service has committed every published message (lag 0 on every topic). */
  waitUntilApplied(): Promise<void>;
  stop(): Promise<void>;
}

export const AUTH = { authorization: 'Bearer dev-key' };

/** `vars`: more environment for the service (e.g. `OPSLINE_API_KEYS`, which must keep `dev-key` with kpi:read). */
export async function startKpiStack(name: string, vars: Record<string, string> = {}): Promise<KpiStack> {
  const [broker, db]: [BrokerFixture, TestDatabase] = await Promise.all([
    startTestBroker(),
    createTestDatabase({ name }),
  ]);
  const kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'kpi-spec',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: KPI_SOURCE_TOPICS.map((topic) => ({ topic, numPartitions: 3 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const app = await startServiceForTest(
    { name: 'kpi', Environment: KpiEnvironment, module: (env) => KpiModule.forRoot(env) },
    { DATABASE_URL: db.url, KAFKA_BROKERS: broker.broker.address, ...vars },
  );
  return {
    app,
    db,
    brokerAddress: broker.broker.address,
    async publish(events, chunkSize = 25) {
      // Chunks in sequence keep every aggregate's order (one key, one partition) and interleave topics.
      for (let i = 0; i < events.length; i += chunkSize) {
        const byTopic = new Map<string, { key: string; value: string }[]>();
        for (const { topic, event } of events.slice(i, i + chunkSize)) {
          const messages = byTopic.get(topic) ?? [];
          messages.push({ key: event.subject, value: JSON.stringify(event) });
          byTopic.set(topic, messages);
        }
        await producer.sendBatch({
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      }
    },
    async waitUntilApplied() {
      await waitFor(
        'the kpi consumer to catch up',
        async () => {
          const response = await app.inject({
            method: 'GET',
            url: '/kpis?from=2026-11-16T00:00:00.000Z&to=2026-11-17T00:00:00.000Z',
            headers: AUTH,
          });
          const lag = (response.json() as { freshness?: { lagByTopic: Record<string, number | null> } })
            .freshness?.lagByTopic;
          return lag !== undefined && Object.values(lag).every((messages) => messages === 0)
            ? true
            : undefined;
        },
        60_000,
      );
    },
    async stop() {
      await app.close();
      await producer.disconnect();
      await db.drop();
      await broker.stop();
    },
  };
}
