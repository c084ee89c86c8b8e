import { readFileSync } from 'node:fs';
import { Admin } from 'kafkajs';

/** What a service's `/metrics` says about its process (prom-client's default metrics). */
export interface ProcessSample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Heap in use after the last full collection (libs/platform): what is retained, without the garbage. */
  readonly heapAfterGcBytes: number;
  /** `nodejs_active_handles_total`: libuv handles keeping the event loop alive (sockets, timers, …). */
  readonly activeHandles: number;
  /** `process_open_fds`: file descriptors, which a leaked socket or file also shows up in. */
  readonly openFds: number;
}

/** Reads the unlabelled samples of `names` from Prometheus text; labelled series are skipped. */
export function parsePrometheus(text: string, names: readonly string[]): Map<string, number> {
  const wanted = new Set(names);
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [name, value] = line.trim().split(/\s+/);
    if (wanted.has(name)) values.set(name, Number(value));
  }
  return values;
}

const PROCESS_METRICS = [
  'process_resident_memory_bytes',
  'nodejs_heap_size_used_bytes',
  'opsline_heap_used_after_full_gc_bytes',
  'nodejs_active_handles_total',
  'process_open_fds',
] as const;

export function processSampleOf(metricsText: string): ProcessSample {
  const values = parsePrometheus(metricsText, PROCESS_METRICS);
  const missing = PROCESS_METRICS.filter((name) => !values.has(name));
  if (missing.length > 0) throw new Error(`/metrics lacks ${missing.join(', ')}`);
  return {
    rssBytes: values.get('process_resident_memory_bytes') as number,
    heapUsedBytes: values.get('nodejs_heap_size_used_bytes') as number,
    heapAfterGcBytes: values.get('opsline_heap_used_after_full_gc_bytes') as number,
    activeHandles: values.get('nodejs_active_handles_total') as number,
    openFds: values.get('process_open_fds') as number,
  };
}

export async function scrapeService(port: number): Promise<ProcessSample> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /metrics on ${port}: ${response.status}`);
  return processSampleOf(await response.text());
}

/** Resident memory of any process, from /proc (Linux), for the launcher that hosts the broker. */
export function rssOfPid(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Consumer lag per group: for every topic a group has committed offsets on, the high watermarks
 * minus the committed offsets (a partition not committed yet counts from 0, its log start).
 * Groups that committed nothing (a reader that has not started) are left out.
 */
export async function consumerLag(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const highWatermarks = new Map<string, number>();
  await Promise.all(
    topics.map(async (topic) => {
      for (const p of await admin.fetchTopicOffsets(topic))
        highWatermarks.set(`${topic}/${p.partition}`, Number(p.high));
    }),
  );
  const { groups } = await admin.listGroups();
  const lag = new Map<string, number>();
  for (const { groupId } of groups) {
    // A group can vanish between listing and asking (kpi's reconciliation readers delete theirs).
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] }).catch(() => []);
    let total = 0;
    let follows = false;
    for (const { topic, partitions } of committed) {
      if (!partitions.some((p) => Number(p.offset) >= 0)) continue;
      follows = true;
      for (const p of partitions) {
        const high = highWatermarks.get(`${topic}/${p.partition}`) ?? 0;
        total += Math.max(0, high - Math.max(0, Number(p.offset)));
      }
    }
    if (follows) lag.set(groupId, total);
  }
  return lag;
}
