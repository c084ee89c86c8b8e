import { Registry } from 'prom-client';
import {
  consumerLagGauge,
  createMetricsRegistry,
  deadLettersCounter,
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
});
