/**
 * npm start: the whole system on one machine.
 *  - the Kafka-protocol broker on 9092 (unless KAFKA_BROKERS names a cluster), data in .opsline/kafka;
 *  - PostgreSQL (unless DATABASE_URL is set): embedded, data in .opsline/postgres;
 *  - every topic and its dead-letter topic;
 *  - orders, returns, inventory and kpi as supervised child processes.
 * Ctrl-C stops everything cleanly; the next start finds the data it left.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ALL_TOPICS, deadLetterTopic } from '@opsline/contracts';
import { RunningBroker, startBroker } from '@opsline/kafka-broker';
import { jsonLogger as brokerLogger } from '@opsline/kafka-broker';
import { resolveDatabaseUrl, startEmbeddedPostgres } from '@opsline/persistence';
import { ServiceProcess } from './service-process';

/** OPSLINE_SERVICE_PORT_BASE moves the four ports (default 3001–3004), e.g. for the soak run's free ports. */
const PORT_BASE = Number(process.env.OPSLINE_SERVICE_PORT_BASE ?? 3001);
const SERVICES = (['orders', 'returns', 'inventory', 'kpi'] as const).map((name, i) => ({
  name,
  port: PORT_BASE + i,
}));
const SHUTDOWN_GRACE_MS = 12_000;

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function ensureTopics(brokers: string[], partitions: number): Promise<void> {
  const admin = new Kafka({ brokers, clientId: 'opsline-launcher', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const wanted = ALL_TOPICS.flatMap((topic) => [topic, deadLetterTopic(topic)]).filter(
    (t) => !existing.has(t),
  );
  if (wanted.length > 0)
    await admin.createTopics({ topics: wanted.map((topic) => ({ topic, numPartitions: partitions })) });
  await admin.disconnect();
}

async function waitUntilReady(port: number, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main(): Promise<void> {
  const dataRoot = resolve(process.env.OPSLINE_DATA_DIR ?? '.opsline');
  mkdirSync(dataRoot, { recursive: true });
  let broker: RunningBroker | null = null;
  let brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean) ?? [];
  if (brokers.length === 0) {
    broker = await startBroker({
      port: Number(process.env.KAFKA_PORT ?? 9092),
      dataDir: resolve(dataRoot, 'kafka'),
      logger: brokerLogger,
    });
    brokers = [broker.address];
  }
  const embedded =
    resolveDatabaseUrl() === undefined
      ? await startEmbeddedPostgres({
          dataDir: resolve(dataRoot, 'postgres'),
          port: Number(process.env.PG_PORT ?? 54329),
        })
      : null;
  const databaseUrl = resolveDatabaseUrl() ?? (embedded as NonNullable<typeof embedded>).url;
  await ensureTopics(brokers, Number(process.env.OPSLINE_PARTITIONS ?? 3));

  const env = { KAFKA_BROKERS: brokers.join(','), DATABASE_URL: databaseUrl };
  const services = SERVICES.map((s) => new ServiceProcess(s.name, s.port, env, print));
  services.forEach((service) => service.start());

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    print(`launcher | ${signal}: stopping services, then the database and the broker`);
    await Promise.all(services.map((service) => service.stop(SHUTDOWN_GRACE_MS)));
    await embedded?.stop();
    await broker?.close();
    print('launcher | stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const deadline = Date.now() + 120_000;
  const ready = await Promise.all(SERVICES.map((s) => waitUntilReady(s.port, deadline)));
  const keys = process.env.OPSLINE_API_KEYS
    ? 'the keys in OPSLINE_API_KEYS'
    : '"dev-key" (Authorization: Bearer dev-key) — no OPSLINE_API_KEYS set';
  print('');
  print('opsline is up');
  SERVICES.forEach((s, i) =>
    print(
      `  ${s.name.padEnd(10)} http://127.0.0.1:${s.port}  docs http://127.0.0.1:${s.port}/docs  ${ready[i] ? 'ready' : 'NOT READY'}`,
    ),
  );
  print(
    `  kafka      ${brokers.join(',')}${broker ? ` (embedded broker, data in ${resolve(dataRoot, 'kafka')})` : ''}`,
  );
  print(`  postgres   ${embedded ? `embedded, data in ${resolve(dataRoot, 'postgres')}` : 'DATABASE_URL'}`);
  print(`  api key    ${keys}`);
  print('  Ctrl-C stops everything.');
  print('');
}

main().catch((error: Error) => {
  process.stderr.write(`launcher failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
