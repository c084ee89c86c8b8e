import { constants, PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Injection token of the service's prom-client `Registry` (one per application, not prom-client's global). */
export const MetricsRegistry = Symbol('opsline:MetricsRegistry');

/** Name of the HTTP request duration histogram. */
export const HTTP_REQUEST_DURATION_METRIC = 'opsline_http_request_duration_seconds';
/** Name of the consumer lag gauge (updated by the messaging lib). */
export const CONSUMER_LAG_METRIC = 'opsline_consumer_lag';
/** Name of the outbox backlog gauge (updated by the messaging lib). */
export const OUTBOX_BACKLOG_METRIC = 'opsline_outbox_backlog';
/** Name of the dead-letter counter (updated by the messaging lib). */
export const DEAD_LETTERS_METRIC = 'opsline_dead_letters_total';

/** Labels of the HTTP histogram; `route` is the route template (`/orders/:id`), never the raw URL. */
export type HttpRequestLabels = 'method' | 'route' | 'status_code';

/** Name of the gauge of heap in use right after the last full garbage collection. */
export const HEAP_AFTER_GC_METRIC = 'opsline_heap_used_after_full_gc_bytes';

type GcEntry = PerformanceEntry & { detail?: { kind?: number } };

/**
 * Heap in use right after the process's last full (mark-compact) collection: what is really
 * retained. `nodejs_heap_size_used_bytes` also counts garbage not collected yet, so it saws up and
 * down with the collector; a leak is a rise of this one. One observer per process, whatever the
 * number of registries (tests start several applications in one process).
 */
let heapAfterFullGc = getHeapStatistics().used_heap_size;
let heapObserver: PerformanceObserver | null = null;

function observeFullCollections(): void {
  if (heapObserver !== null) return;
  heapObserver = new PerformanceObserver((list) => {
    // a gc entry's detail.kind says which collection it was (Node 16+)
    const kinds = list.getEntries().map((entry) => (entry as GcEntry).detail?.kind);
    const full = kinds.includes(constants.NODE_PERFORMANCE_GC_MAJOR);
    if (full) heapAfterFullGc = getHeapStatistics().used_heap_size;
  });
  heapObserver.observe({ entryTypes: ['gc'] });
}

/** Creates a registry with Node process metrics (CPU, memory, event loop lag, GC, heap after a full GC). */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  observeFullCollections();
  new Gauge({
    name: HEAP_AFTER_GC_METRIC,
    help: 'Heap in use right after the last full (mark-compact) garbage collection, in bytes',
    registers: [registry],
    collect() {
      this.set(heapAfterFullGc);
    },
  });
  return registry;
}

/** Gets a metric already on `registry` or registers the one `create` builds, so callers share instruments. */
function sharedMetric<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/** `opsline_http_request_duration_seconds{method,route,status_code}` on `registry`. */
export function httpRequestDurationHistogram(registry: Registry): Histogram<HttpRequestLabels> {
  return sharedMetric(
    registry,
    HTTP_REQUEST_DURATION_METRIC,
    () =>
      new Histogram({
        name: HTTP_REQUEST_DURATION_METRIC,
        help: 'HTTP request duration in seconds, by method, route template and status code',
        labelNames: ['method', 'route', 'status_code'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
}

/** `opsline_consumer_lag{topic,partition,group}`: messages between the group's committed offset and the end. */
export function consumerLagGauge(registry: Registry): Gauge<'topic' | 'partition' | 'group'> {
  return sharedMetric(
    registry,
    CONSUMER_LAG_METRIC,
    () =>
      new Gauge({
        name: CONSUMER_LAG_METRIC,
        help: 'Messages not yet consumed: high watermark minus committed offset, per topic, partition and group',
        labelNames: ['topic', 'partition', 'group'],
        registers: [registry],
      }),
  );
}

/** `opsline_outbox_backlog{service}`: outbox rows not yet published. */
export function outboxBacklogGauge(registry: Registry): Gauge<'service'> {
  return sharedMetric(
    registry,
    OUTBOX_BACKLOG_METRIC,
    () =>
      new Gauge({
        name: OUTBOX_BACKLOG_METRIC,
        help: 'Outbox rows committed but not yet published to Kafka',
        labelNames: ['service'],
        registers: [registry],
      }),
  );
}

/** `opsline_dead_letters_total{topic,reason}`: messages sent to `<topic>.dlq`. */
export function deadLettersCounter(registry: Registry): Counter<'topic' | 'reason'> {
  return sharedMetric(
    registry,
    DEAD_LETTERS_METRIC,
    () =>
      new Counter({
        name: DEAD_LETTERS_METRIC,
        help: 'Messages sent to the dead-letter topic, by source topic and reason',
        labelNames: ['topic', 'reason'],
        registers: [registry],
      }),
  );
}

/**
 * The shared instruments of one service, declared up front so `/metrics` lists them from the start.
 * Injectable as a class token; other libs may also use the accessor functions on the registry.
 */
export class PlatformMetrics {
  readonly httpRequestDuration: Histogram<HttpRequestLabels>;
  readonly consumerLag: Gauge<'topic' | 'partition' | 'group'>;
  readonly outboxBacklog: Gauge<'service'>;
  readonly deadLetters: Counter<'topic' | 'reason'>;

  constructor(readonly registry: Registry) {
    this.httpRequestDuration = httpRequestDurationHistogram(registry);
    this.consumerLag = consumerLagGauge(registry);
    this.outboxBacklog = outboxBacklogGauge(registry);
    this.deadLetters = deadLettersCounter(registry);
  }

  /** Records one answered HTTP request. `route` is the template, or `unmatched` for unknown paths. */
  observeHttpRequest(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.httpRequestDuration.observe(
      { method, route: route ?? 'unmatched', status_code: String(statusCode) },
      seconds,
    );
  }

  /** The registry in Prometheus text exposition format. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link exposition}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
