import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { withTimeout } from './with-timeout';

/** The part of a kafkajs admin client the check uses. */
export type ClusterAdmin = Pick<Admin, 'connect' | 'describeCluster' | 'disconnect'>;

/** Options of {@link KafkaHealthIndicator}. */
export interface KafkaHealthOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** The whole check (connect + describeCluster) gives up after this long; default 2000 ms. */
  readonly timeoutMs?: number;
  /** Builds the admin client; kafkajs by default. Tests pass a fake. */
  readonly createAdmin?: () => ClusterAdmin;
}

const DEFAULT_TIMEOUT_MS = 2000;

/**
 * Readiness of the Kafka cluster: `describeCluster` through one cached kafkajs admin client, within a
 * short timeout. A failed or timed-out client is disconnected and replaced on the next check, so a
 * broker that comes back is seen again.
 */
export class KafkaHealthIndicator {
  private admin: Promise<ClusterAdmin> | undefined;
  private readonly timeoutMs: number;
  private readonly createAdmin: () => ClusterAdmin;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly options: KafkaHealthOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.createAdmin = options.createAdmin ?? (() => defaultAdmin(options, this.timeoutMs));
  }

  /** `{ [key]: { status: 'up', brokers, controller, clusterId } }` or `down` with the brokers and the reason. */
  async isHealthy(key = 'kafka'): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    const brokers = this.options.brokers.join(',');
    try {
      const cluster = await withTimeout(this.describeCluster(), this.timeoutMs);
      return check.up({
        brokers: cluster.brokers.length,
        controller: cluster.controller,
        clusterId: cluster.clusterId,
      });
    } catch (error) {
      this.discardAdmin();
      return check.down({ brokers, message: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Disconnects the cached client; the module calls it at shutdown. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin !== undefined) await admin.then((client) => client.disconnect()).catch(() => undefined);
  }

  private async describeCluster(): ReturnType<ClusterAdmin['describeCluster']> {
    if (this.admin === undefined) {
      const admin = this.createAdmin();
      this.admin = admin.connect().then(() => admin);
    }
    const admin = await this.admin;
    return admin.describeCluster();
  }

  private discardAdmin(): void {
    void this.close();
  }
}

function defaultAdmin(options: KafkaHealthOptions, timeoutMs: number): ClusterAdmin {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: Math.min(1000, timeoutMs),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    // A down broker is reported by the check itself; kafkajs would log every failed attempt.
    logLevel: logLevel.NOTHING,
  });
  return kafka.admin();
}
