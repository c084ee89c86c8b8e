import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Gauge, Registry } from 'prom-client';
import {
  consumerLagGauge,
  createMetricsRegistry,
  deadLettersCounter,
  HEAP_AFTER_GC_METRIC,
  PlatformMetrics,
} from './platform-metrics';

describe('PlatformMetrics', () => {
  it('declares the shared instruments and process metrics on its own registry', async () => {
    const metrics = new PlatformMetrics(createMetricsRegistry());
    const text = await metrics.exposition();
    for (const name of [
      'opsline_http_request_duration_seconds',
      'opsline_consumer_lag',
      'opsline_outbox_backlog',
      'opsline_dead_letters_total',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });

  it('records requests by route template, with unknown routes grouped', async () => {
    const metrics = new PlatformMetrics(new Registry());
    metrics.observeHttpRequest('GET', '/orders/:id', 200, 0.012);
    metrics.observeHttpRequest('GET', undefined, 404, 0.001);
    const text = await metrics.exposition();
    expect(text).toContain(
      'opsline_http_request_duration_seconds_count{method="GET",route="/orders/:id",status_code="200"} 1',
    );
    expect(text).toContain('route="unmatched",status_code="404"');
  });

  it('hands other libs the same instruments through the accessors', async () => {
    const registry = new Registry();
    const metrics = new PlatformMetrics(registry);
    expect(consumerLagGauge(registry)).toBe(metrics.consumerLag);
    deadLettersCounter(registry).inc({ topic: 'opsline.ingest.orders', reason: 'validation' });
    expect(await registry.metrics()).toContain(
      'opsline_dead_letters_total{topic="opsline.ingest.orders",reason="validation"} 1',
    );
  });

  it('reports the heap in use after the last full collection, which drops when garbage is collected', async () => {
    const registry = createMetricsRegistry();
    const heapAfterGc = async () =>
      (await (registry.getSingleMetric(HEAP_AFTER_GC_METRIC) as Gauge).get()).values[0].value;
    setFlagsFromString('--expose-gc');
    // a gc() of our own without starting jest with --expose-gc
    const collect = runInNewContext('gc') as () => void;
    let garbage: number[][] | null = Array.from({ length: 200 }, () => new Array<number>(10_000).fill(1));
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const holding = await heapAfterGc();
    expect(garbage.length).toBe(200);
    garbage = null;
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const released = await heapAfterGc();
    expect(holding - released).toBeGreaterThan(10 * 1024 * 1024);
  });
});
