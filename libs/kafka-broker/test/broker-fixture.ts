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

export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<BrokerFixture> {
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
