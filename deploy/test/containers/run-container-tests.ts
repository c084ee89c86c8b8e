/**
 * npm run test:containers: the medium and e2e suites against Apache Kafka and PostgreSQL in
 * containers (testcontainers), with the same assertions as against the project's broker.
 * Without a reachable Docker engine it prints one line and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { GenericContainer, getContainerRuntimeClient, StartedTestContainer, Wait } from 'testcontainers';

const KAFKA_IMAGE = process.env.OPSLINE_TEST_KAFKA_IMAGE ?? 'apache/kafka:3.9.1';
const POSTGRES_IMAGE = process.env.OPSLINE_TEST_POSTGRES_IMAGE ?? 'postgres:17-alpine';
const KAFKA_PORT = 9092;

async function engineReachable(): Promise<string | undefined> {
  try {
    await getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/** Single-node KRaft Kafka whose advertised listener is the port Docker mapped on the host. */
async function startKafka(): Promise<StartedTestContainer> {
  // The advertised address must be known before start; a fixed host port keeps it simple.
  const hostPort = Number(process.env.OPSLINE_TEST_KAFKA_HOST_PORT ?? 39092);
  return new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: KAFKA_PORT, host: hostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_LISTENERS: `PLAINTEXT://:${KAFKA_PORT},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://localhost:${hostPort}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_NUM_PARTITIONS: '3',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
}

async function startPostgres(): Promise<StartedTestContainer> {
  return new GenericContainer(POSTGRES_IMAGE)
    .withExposedPorts(5432)
    .withEnvironment({ POSTGRES_USER: 'opsline', POSTGRES_PASSWORD: 'opsline', POSTGRES_DB: 'postgres' })
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
}

function jest(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdio: 'inherit' | 'pipe',
): ReturnType<typeof spawnSync> {
  const config = resolve(__dirname, 'jest.containers.config.js');
  return spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '--config', config, ...args], {
    stdio,
    env,
  });
}

/**
 * Each spec file gets a fresh Kafka, as it gets its own in-process broker otherwise: the suites use the
 * contract's fixed topic and group names, so two of them must never share a cluster. PostgreSQL is
 * shared (each spec file creates its own database).
 */
async function main(): Promise<number> {
  const unreachable = await engineReachable();
  if (unreachable !== undefined) {
    console.log(`test:containers skipped: no Docker engine reachable (${unreachable})`);
    return 0;
  }
  const filters = process.argv.slice(2);
  const specFiles = String(jest(['--listTests', ...filters], process.env, 'pipe').stdout)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .sort();
  const postgres = await startPostgres();
  const failed: string[] = [];
  try {
    for (const specFile of specFiles) {
      const kafka = await startKafka();
      try {
        const env = {
          ...process.env,
          OPSLINE_TEST_KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(KAFKA_PORT)}`,
          DATABASE_URL: `postgres://opsline:opsline@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
        };
        if (jest(['--runTestsByPath', specFile], env, 'inherit').status !== 0) failed.push(specFile);
      } finally {
        await kafka.stop();
      }
    }
  } finally {
    await postgres.stop();
  }
  console.log(
    `test:containers: ${specFiles.length - failed.length} of ${specFiles.length} spec files passed`,
  );
  failed.forEach((file) => console.log(`  failed: ${file}`));
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
