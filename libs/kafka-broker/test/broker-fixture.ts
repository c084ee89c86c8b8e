import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerOptions, RunningBroker, startBroker } from '../src/server/broker';
import { silentLogger } from '../src/server/logger';

/** A broker on a free port with its own temporary data dir, for one spec file. */
export interface BrokerFixture {
  broker: RunningBroker;
  dataDir: string;
  /** Stops the broker and starts a new one on the same data dir and port. */
  restart(): Promise<RunningBroker>;
  stop(): Promise<void>;
}

/**
 * Set (to `host:port`) by `npm run test:containers`: suites then run against that Apache Kafka instead
 * of an in-process broker. `stop` is a no-op there and `restart` fails (a shared Kafka is not theirs to restart).
 */
export const EXTERNAL_KAFKA_ENV = 'OPSLINE_TEST_KAFKA_BROKERS';

function externalBrokerFixture(address: string): BrokerFixture {
  const [host, port] = address.split(':');
  const broker = {
    host,
    port: Number(port),
    address,
    config: {} as RunningBroker['config'],
    close: async () => {},
  };
  return {
    broker,
    dataDir: '',
    async restart() {
      throw new Error(
        `restart needs the in-process broker; this run uses the Kafka at ${address} (${EXTERNAL_KAFKA_ENV})`,
      );
    },
    async stop() {},
  };
}

export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<BrokerFixture> {
  const external = process.env[EXTERNAL_KAFKA_ENV];
  if (external) return externalBrokerFixture(external.split(',')[0]);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'opsline-broker-'));
  const settings: BrokerOptions = {
    port: 0,
    logger: silentLogger,
    groupInitialRebalanceDelayMs: 50,
    ...options,
    dataDir,
  };
  const fixture: BrokerFixture = {
    broker: await startBroker(settings),
    dataDir,
    async restart() {
      const port = fixture.broker.port;
      await fixture.broker.close();
      fixture.broker = await startBroker({ ...settings, port });
      return fixture.broker;
    },
    async stop() {
      await fixture.broker.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs` (generous: CI machines are shared). */
export async function waitFor<T>(
  description: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
