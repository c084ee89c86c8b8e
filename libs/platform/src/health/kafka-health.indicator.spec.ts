import { HealthIndicatorService } from '@nestjs/terminus';
import { type ClusterAdmin, KafkaHealthIndicator } from './kafka-health.indicator';

type Cluster = Awaited<ReturnType<ClusterAdmin['describeCluster']>>;

const CLUSTER: Cluster = {
  brokers: [{ nodeId: 0, host: '127.0.0.1', port: 9092 }],
  controller: 0,
  clusterId: 'c-1',
};

/** A fake admin client whose connect/describe outcomes the test scripts. */
class FakeAdmin implements ClusterAdmin {
  static created: FakeAdmin[] = [];
  connects = 0;
  disconnects = 0;
  constructor(private readonly describe: () => Promise<Cluster>) {
    FakeAdmin.created.push(this);
  }
  async connect(): Promise<void> {
    this.connects++;
  }
  describeCluster(): Promise<Cluster> {
    return this.describe();
  }
  async disconnect(): Promise<void> {
    this.disconnects++;
  }
}

function indicatorWith(outcomes: (() => Promise<Cluster>)[], timeoutMs = 1000): KafkaHealthIndicator {
  let next = 0;
  return new KafkaHealthIndicator(new HealthIndicatorService(), {
    brokers: ['127.0.0.1:9092'],
    clientId: 'orders-health',
    timeoutMs,
    createAdmin: () => new FakeAdmin(outcomes[Math.min(next++, outcomes.length - 1)]),
  });
}

describe('KafkaHealthIndicator', () => {
  beforeEach(() => {
    FakeAdmin.created = [];
  });

  it('is up with the cluster description and reuses one connected client', async () => {
    const indicator = indicatorWith([async () => CLUSTER]);
    expect(await indicator.isHealthy()).toEqual({
      kafka: { status: 'up', brokers: 1, controller: 0, clusterId: 'c-1' },
    });
    await indicator.isHealthy();
    expect(FakeAdmin.created).toHaveLength(1);
    expect(FakeAdmin.created[0].connects).toBe(1);
    await indicator.close();
    expect(FakeAdmin.created[0].disconnects).toBe(1);
  });

  it('is down with the brokers and the reason, and tries a fresh client next time', async () => {
    const indicator = indicatorWith([
      () => Promise.reject(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092')),
      async () => CLUSTER,
    ]);
    expect(await indicator.isHealthy('broker')).toEqual({
      broker: {
        status: 'down',
        brokers: '127.0.0.1:9092',
        message: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      },
    });
    expect((await indicator.isHealthy('broker')).broker.status).toBe('up');
    expect(FakeAdmin.created).toHaveLength(2);
    expect(FakeAdmin.created[0].disconnects).toBe(1);
  });

  it('is down when the cluster does not answer within the timeout', async () => {
    const indicator = indicatorWith([() => new Promise<Cluster>(() => undefined)], 50);
    const started = Date.now();
    expect(await indicator.isHealthy()).toEqual({
      kafka: { status: 'down', brokers: '127.0.0.1:9092', message: 'timed out after 50 ms' },
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
