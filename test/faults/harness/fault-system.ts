import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { ALL_TOPICS, DEAD_LETTER_SUFFIX, deadLetterTopic } from '@opsline/contracts';
import { RunningEmbeddedPostgres, silentLogger, startEmbeddedPostgres } from '@opsline/persistence';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { lagOfTopic } from '../../../apps/kpi/src/infrastructure/consumer-lag.reader';
import { ManagedProcess, ROOT } from './managed-process';

export const SERVICE_NAMES = ['orders', 'returns', 'inventory', 'kpi'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

// generous: four ts-node services starting at once on a shared 2-core machine
const READY_TIMEOUT_MS = 180_000;
const PARTITIONS = 3;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined; fails naming `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Options of {@link FaultSystem.start}. */
export interface FaultSystemOptions {
  /** Names the test database (pass the spec's file name). */
  readonly name: string;
  /** `embedded`: the test owns (and may restart) its own PostgreSQL server. Default `local`. */
  readonly database?: 'local' | 'embedded';
}

/**
 * The whole opsline system as real processes: the broker (own data dir in a temp folder), the four
 * services on free ports, and a fresh database. Faults are signals sent to these processes and
 * statements run on the database; nothing in the services knows it is under test.
 */
export class FaultSystem {
  readonly services = new Map<string, { process: ManagedProcess; port: number; name: ServiceName }>();
  broker!: ManagedProcess;
  brokerAddress = '';
  databaseUrl = '';
  private testDatabase: TestDatabase | null = null;
  private embedded: RunningEmbeddedPostgres | null = null;
  private embeddedPort = 0;
  private constructor(
    readonly options: FaultSystemOptions,
    readonly dir: string,
  ) {}

  static async start(options: FaultSystemOptions): Promise<FaultSystem> {
    const dir = mkdtempSync(join(tmpdir(), 'opsline-faults-'));
    // embedded PostgreSQL runs as the postgres user, which must reach its data dir inside this folder
    chmodSync(dir, 0o755);
    const system = new FaultSystem(options, dir);
    try {
      await Promise.all([system.startBroker(), system.startDatabase()]);
      await system.createTopics();
      await Promise.all(SERVICE_NAMES.map((name) => system.startService(name)));
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  kafka(clientId = 'opsline-faults'): Kafka {
    return new Kafka({
      brokers: [this.brokerAddress],
      clientId,
      logLevel: logLevel.NOTHING,
      retry: { retries: 3, initialRetryTime: 200 },
    });
  }

  /** Runs `work` with a connected admin client. */
  async withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka('opsline-faults-admin').admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }

  /** Runs `work` with a fresh PostgreSQL connection to the system's database. */
  async withDatabase<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'opsline-faults' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  port(instance: string): number {
    const entry = this.services.get(instance);
    if (entry === undefined) throw new Error(`no service instance ${instance}`);
    return entry.port;
  }

  process(instance: string): ManagedProcess {
    const entry = this.services.get(instance);
    if (entry === undefined) throw new Error(`no service instance ${instance}`);
    return entry.process;
  }

  /** Starts (or restarts) a service instance and waits until it is ready. `instance` defaults to the name. */
  async startService(name: ServiceName, instance: string = name): Promise<void> {
    let entry = this.services.get(instance);
    if (entry === undefined) {
      const port = await freePort();
      const process = new ManagedProcess(
        instance,
        join(ROOT, 'apps', name, 'src', 'main.ts'),
        [],
        {
          PORT: String(port),
          DATABASE_URL: this.databaseUrl,
          KAFKA_BROKERS: this.brokerAddress,
          LOG_LEVEL: globalThis.process.env.FAULTS_LOG_LEVEL ?? 'warn',
          OPSLINE_API_KEYS: '',
        },
        join(this.dir, `${instance}.log`),
      );
      entry = { process, port, name };
      this.services.set(instance, entry);
    }
    entry.process.start();
    await this.waitUntilReady(instance);
  }

  async waitUntilReady(instance: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const { port, process } = this.services.get(instance) as { port: number; process: ManagedProcess };
    await waitUntil(
      `${instance} to be ready`,
      async () => {
        if (!process.running) throw new Error(`${instance} exited while starting:\n${process.lastLines()}`);
        try {
          const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
          return response.ok ? true : undefined;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
      250,
    );
  }

  /** Waits until `groupId` has committed every record of `topic` (its consumers applied them all). */
  async waitForGroupCaughtUp(groupId: string, topic: string, timeoutMs: number): Promise<void> {
    await waitUntil(
      `${groupId} to consume all of ${topic}`,
      () =>
        this.withAdmin(async (admin) => {
          const ends = await admin.fetchTopicOffsets(topic);
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          const behind = ends.filter(({ partition, high }) => {
            const at = committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
            return Number(high) > 0 && Number(at) < Number(high);
          });
          return behind.length === 0 ? true : undefined;
        }),
      timeoutMs,
      500,
    );
  }

  /**
   * What a failed comparison needs to be understood: each consumer group's records not yet committed
   * per topic, every dead-letter topic holding records, and the rows still waiting in the services'
   * parking lots and outboxes (an event parked or unpublished is late, not lost).
   */
  async consumerState(): Promise<string> {
    const waiting = await this.waitingRows().catch((error: Error) => [`database: ${error.message}`]);
    const groups = await this.withAdmin(async (admin) => {
      const lines: string[] = [];
      const offsetsOf = new Map<string, Awaited<ReturnType<Admin['fetchTopicOffsets']>>>();
      for (const topic of (await admin.listTopics()).sort()) {
        const offsets = await admin.fetchTopicOffsets(topic);
        offsetsOf.set(topic, offsets);
        const held = offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
        if (topic.endsWith(DEAD_LETTER_SUFFIX) && held > 0)
          lines.push(`dead letters: ${topic} holds ${held}`);
      }
      for (const { groupId } of (await admin.listGroups()).groups) {
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
          const behind = lagOfTopic(offsetsOf.get(topic) ?? [], partitions);
          if (behind > 0) lines.push(`group ${groupId}: ${behind} record(s) of ${topic} not committed`);
        }
      }
      return lines.length === 0 ? 'every group caught up; no dead letters' : lines.join('\n');
    });
    return [groups, ...waiting].join('\n');
  }

  /** Non-empty parking lots and outboxes with unpublished rows, one line each. */
  private async waitingRows(): Promise<string[]> {
    const counts = [
      ['orders parked events', 'SELECT count(*) AS n FROM orders.parked_events'],
      ['returns parked warehouse events', 'SELECT count(*) AS n FROM returns.parked_warehouse_events'],
      ...['orders', 'inventory', 'returns'].map((schema) => [
        `${schema} outbox unpublished`,
        `SELECT count(*) AS n FROM "${schema}".outbox WHERE published_at IS NULL`,
      ]),
    ];
    return this.withDatabase(async (client) => {
      const lines: string[] = [];
      for (const [label, sql] of counts) {
        const { rows } = await client.query<{ n: string }>(sql);
        if (Number(rows[0].n) > 0) lines.push(`${label}: ${rows[0].n}`);
      }
      return lines;
    });
  }

  /** Starts the broker process again on the same port and data dir, and waits until it answers. */
  async restartBroker(): Promise<void> {
    this.broker.start();
    await this.waitForBroker();
  }

  /** Stops the embedded PostgreSQL server (fast shutdown) and starts it again on the same data dir. */
  async restartDatabase(downMs: number): Promise<void> {
    if (this.embedded === null) throw new Error('restartDatabase needs database: embedded');
    await this.embedded.stop();
    await sleep(downMs);
    this.embedded = await startEmbeddedPostgres({
      dataDir: join(this.dir, 'postgres'),
      port: this.embeddedPort,
      database: 'opsline',
      keepProcessAlive: false,
      logger: silentLogger,
    });
  }

  /** The last lines of every process, for failure messages. */
  lastLines(): string {
    return [this.broker, ...[...this.services.values()].map((s) => s.process)]
      .filter((p) => p !== undefined)
      .map((p) => p.lastLines())
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.services.values()].map(async ({ process }) => {
        await process.kill().catch(() => undefined);
        process.close();
      }),
    );
    if (this.broker !== undefined) {
      await this.broker.kill().catch(() => undefined);
      this.broker.close();
    }
    await this.testDatabase?.drop().catch(() => undefined);
    await this.embedded?.stop().catch(() => undefined);
    if (process.env.FAULTS_KEEP_DIR !== '1') rmSync(this.dir, { recursive: true, force: true });
    else process.stderr.write(`fault system files kept in ${this.dir}\n`);
  }

  private async startBroker(): Promise<void> {
    const port = await freePort();
    this.brokerAddress = `127.0.0.1:${port}`;
    const dataDir = join(this.dir, 'kafka');
    mkdirSync(dataDir);
    this.broker = new ManagedProcess(
      'broker',
      join(ROOT, 'libs', 'kafka-broker', 'src', 'cli.ts'),
      ['--port', String(port), '--data-dir', dataDir, '--partitions', String(PARTITIONS)],
      {},
      join(this.dir, 'broker.log'),
    );
    this.broker.start();
    await this.waitForBroker();
  }

  private async waitForBroker(): Promise<void> {
    await waitUntil(
      'the broker to answer',
      async () => {
        if (!this.broker.running) throw new Error(`broker exited:\n${this.broker.lastLines()}`);
        try {
          return await this.withAdmin(async (admin) => (await admin.listTopics(), true));
        } catch {
          return undefined;
        }
      },
      30_000,
      200,
    );
  }

  private async startDatabase(): Promise<void> {
    if (this.options.database === 'embedded') {
      this.embeddedPort = await freePort();
      this.embedded = await startEmbeddedPostgres({
        dataDir: join(this.dir, 'postgres'),
        port: this.embeddedPort,
        database: 'opsline',
        keepProcessAlive: false,
        logger: silentLogger,
      });
      this.databaseUrl = this.embedded.url;
    } else {
      this.testDatabase = await createTestDatabase({ name: this.options.name });
      this.databaseUrl = this.testDatabase.url;
    }
  }

  private async createTopics(): Promise<void> {
    await this.withAdmin(async (admin) => {
      const existing = new Set(await admin.listTopics());
      const wanted = ALL_TOPICS.flatMap((topic) => [topic, deadLetterTopic(topic)]).filter(
        (topic) => !existing.has(topic),
      );
      await admin.createTopics({
        topics: wanted.map((topic) => ({ topic, numPartitions: PARTITIONS })),
        waitForLeaders: true,
      });
    });
  }
}
