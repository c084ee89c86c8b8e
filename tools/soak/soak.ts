/**
 * npm run soak -- [--minutes 10] [--rate N] [--interval 15] [--seed 1] [--keep]
 * Not in CI. Starts the whole system as `npm start` does (tools/launcher: broker, PostgreSQL —
 * embedded, or DATABASE_URL — and the four services as processes) in a temporary data dir on free
 * ports, and holds 50% of max load: orders with their shipments, cancellations, returns, return
 * receipts, inspections and cycle counts on the ingest topics. Max load is what a short probe
 * measures first (PROBE below), since this mix costs more than the orders alone `npm run
 * bench:orders` sends (~1,141 orders/s there) and since the machine may be shared; `--rate N`
 * skips the probe and holds N orders/s. Every `--interval` seconds it prints consumer lag per
 * group, RSS, heap (in use, and after the last full collection), active handles and open fds of
 * every service. At the end it fits a least-squares slope over the second half of the run; heap
 * after a full collection, RSS and total lag must be flat (LIMITS) and no service may have
 * restarted, else exit code 1.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { ALL_TOPICS } from '@opsline/contracts';
import { SoakLoad } from './load';
import { consumerLag, ProcessSample, rssOfPid, scrapeService } from './sampler';
import { SERVICE_NAMES, startSystem } from './system';
import { judgeSeries, Point, rollingFloor, SeriesVerdict } from './verdict';

const MIB = 1024 * 1024;
/**
 * RSS is judged on its floor over this many consecutive samples (see rollingFloor); heap on what a
 * full collection leaves (`opsline_heap_used_after_full_gc_bytes`), since under load full
 * collections can be minutes apart and heap in use between them is mostly garbage.
 */
const FLOOR_WINDOW = 4;
/**
 * What "flat" means, per minute over the second half of the run: heap grows less than 1 MiB/min,
 * RSS less than 2 MiB/min (RSS also moves with the allocator returning pages, so it is noisier),
 * and the total lag grows by less than 1% of the events produced per minute (at least 100
 * messages/min): a consumer that keeps up leaves a lag that goes up and down with each batch,
 * one that does not leaves a lag that rises with everything it falls behind on.
 */
const LIMITS = { heapMiBPerMin: 1, rssMiBPerMin: 2, lagShareOfEventsPerMin: 0.01, minLagPerMin: 100 };
/**
 * The max-load probe: after a small warm-up, PROBE.seconds seconds' worth of load at PROBE.rate
 * orders/s is sent as fast as the broker takes it and timed until every consumer group has
 * caught up. Orders per second of that is what the system sustains with this mix, here, now.
 */
const PROBE = { warmupRate: 50, warmupSeconds: 2, rate: 500, seconds: 4, timeoutMs: 300_000 };

interface Options {
  minutes: number;
  /** Orders/s to hold; undefined: half of what the max-load probe measures. */
  rate: number | undefined;
  intervalSeconds: number;
  seed: number;
  keep: boolean;
}

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      rate: { type: 'string' },
      interval: { type: 'string', default: '15' },
      seed: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
    },
  });
  const intervalSeconds = positive('interval', values.interval);
  if (intervalSeconds < 10 || intervalSeconds > 30) throw new Error('--interval must be 10..30 seconds');
  return {
    minutes: positive('minutes', values.minutes),
    rate: values.rate === undefined ? undefined : Math.round(positive('rate', values.rate)),
    intervalSeconds,
    seed: positive('seed', values.seed),
    keep: values.keep,
  };
}

const print = (line: string): void => void process.stdout.write(`${line}\n`);
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(0)}M`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
/** Set by SIGINT/SIGTERM: the run stops at the next sample (or probe poll) and stops the system. */
let interrupted = false;

/**
 * Waits until every consumer group has caught up (total lag 0) and at least one group per service
 * has committed, so that a group that has not committed yet is not mistaken for one without lag.
 */
async function waitUntilDrained(admin: Admin, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lag = await consumerLag(admin, ALL_TOPICS);
    const total = sum(lag.values());
    if (lag.size >= SERVICE_NAMES.length && total === 0) return;
    if (interrupted) throw new Error('interrupted');
    if (Date.now() > deadline)
      throw new Error(
        `consumers did not catch up within ${timeoutMs / 1000} s (lag ${total}, ${lag.size} groups)`,
      );
    await sleep(1000);
  }
}

async function probeMaxRate(kafka: Kafka, admin: Admin, runId: string, seed: number): Promise<number> {
  await new SoakLoad(kafka, PROBE.warmupRate, seed + 1, `${runId}W`).burst(PROBE.warmupSeconds);
  await waitUntilDrained(admin, PROBE.timeoutMs);
  const started = Date.now();
  const orders = await new SoakLoad(kafka, PROBE.rate, seed + 2, `${runId}P`).burst(PROBE.seconds);
  await waitUntilDrained(admin, PROBE.timeoutMs);
  const seconds = (Date.now() - started) / 1000;
  print(
    `max-load probe: ${orders} orders and their follow-ups through every service in ${seconds.toFixed(1)} s`,
  );
  return orders / seconds;
}

interface Sample {
  minutes: number;
  totalLag: number;
  services: Map<string, ProcessSample>;
}

function describeVerdict(v: SeriesVerdict): string {
  const slope = v.slope === null ? 'n/a (too few samples)' : `${v.slope.toFixed(2)} ${v.unit}/min`;
  return `  ${v.flat ? 'flat ' : 'GROWS'} ${v.name.padEnd(20)} slope ${slope.padEnd(22)} limit < ${v.limit.toFixed(2)} ${v.unit}/min`;
}

function judge(
  samples: Sample[],
  services: readonly string[],
  totalMinutes: number,
  eventsPerMinute: number,
) {
  const series = (pick: (s: Sample) => number): Point[] =>
    samples.map((s) => ({ minutes: s.minutes, value: pick(s) }));
  const floor = (pick: (s: Sample) => number): Point[] => rollingFloor(series(pick), FLOOR_WINDOW);
  return [
    ...services.flatMap((name) => [
      judgeSeries(
        `${name} heap`,
        'MiB',
        series((s) => (s.services.get(name)?.heapAfterGcBytes ?? NaN) / MIB),
        totalMinutes,
        LIMITS.heapMiBPerMin,
      ),
      judgeSeries(
        `${name} rss`,
        'MiB',
        floor((s) => (s.services.get(name)?.rssBytes ?? NaN) / MIB),
        totalMinutes,
        LIMITS.rssMiBPerMin,
      ),
    ]),
    judgeSeries(
      'total consumer lag',
      'msgs',
      series((s) => s.totalLag),
      totalMinutes,
      Math.max(LIMITS.minLagPerMin, LIMITS.lagShareOfEventsPerMin * eventsPerMinute),
    ),
  ];
}

async function main(): Promise<void> {
  const options = parseOptions();
  const dataDir = mkdtempSync(join(tmpdir(), 'opsline-soak-'));
  // Embedded PostgreSQL runs as the postgres user when we are root; it must reach its data dir inside.
  chmodSync(dataDir, 0o755);
  const runId = `SOAK${Date.now().toString(36).toUpperCase()}`;
  print(
    `soak: ${options.minutes} min at ${options.rate ?? '50% of the probed max'} orders/s (+ shipments, returns, ` +
      `inspections, counts), a sample every ${options.intervalSeconds} s; data in ${dataDir}`,
  );
  const system = await startSystem(dataDir, join(dataDir, 'system.log')).catch((error: Error) => {
    if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  print(
    `system up: broker ${system.brokers}, ${system.services.map((s) => `${s.name}:${s.port}`).join(' ')}`,
  );
  const kafka = new Kafka({
    brokers: [system.brokers],
    clientId: 'opsline-soak',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let load: SoakLoad | null = null;
  const samples: Sample[] = [];
  let verdicts: SeriesVerdict[] = [];
  const onSignal = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await admin.connect();
    let rate = options.rate;
    if (rate === undefined) {
      const max = await probeMaxRate(kafka, admin, runId, options.seed);
      rate = Math.max(1, Math.round(max / 2));
      print(`max load ${max.toFixed(0)} orders/s: holding 50%, ${rate} orders/s`);
    }
    load = new SoakLoad(kafka, rate, options.seed, runId);
    await load.start();
    const started = Date.now();
    const end = started + options.minutes * 60_000;
    for (let next = started + options.intervalSeconds * 1000; !interrupted && Date.now() < end;) {
      await sleep(Math.max(0, next - Date.now()));
      next += options.intervalSeconds * 1000;
      if (load.failure !== null) throw load.failure;
      if (!system.alive()) throw new Error('the launcher exited during the soak');
      const minutes = (Date.now() - started) / 60_000;
      const [lag, scraped] = await Promise.all([
        consumerLag(admin, ALL_TOPICS),
        Promise.all(system.services.map(async (s) => [s.name, await scrapeService(s.port)] as const)),
      ]);
      const services = new Map(scraped);
      const totalLag = sum(lag.values());
      samples.push({ minutes, totalLag, services });
      const progress = load.progress;
      const launcherRss = rssOfPid(system.launcherPid);
      const behind = progress.behindSeconds > 1 ? ` (${progress.behindSeconds} s behind)` : '';
      print(
        [
          `t=${(minutes * 60).toFixed(0).padStart(4)}s`,
          `produced ${progress.orders} orders/${progress.events} events${behind}`,
          `lag ${totalLag} [${[...lag].map(([group, n]) => `${group}=${n}`).join(' ')}]`,
          ...[...services].map(
            ([name, p]) =>
              `${name} rss=${mib(p.rssBytes)} heap=${mib(p.heapUsedBytes)} after-gc=${mib(p.heapAfterGcBytes)} handles=${p.activeHandles} fds=${p.openFds}`,
          ),
          `launcher+broker rss=${launcherRss === null ? '?' : mib(launcherRss)}`,
        ].join(' | '),
      );
    }
    // Sampling a busy system takes a while: the halves are of the time the run really took.
    const totalMinutes = (Date.now() - started) / 60_000;
    verdicts = judge(
      samples,
      SERVICE_NAMES,
      totalMinutes,
      load.progress.events / Math.max(totalMinutes, 1 / 60),
    );
  } finally {
    await load?.stop().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await system.stop();
    if (!options.keep) rmSync(dataDir, { recursive: true, force: true });
  }
  const progress = load?.progress ?? { orders: 0, events: 0 };
  print('');
  print(
    `verdict after ${samples.length} samples: produced ${progress.orders} orders, ${progress.events} events; ` +
      `slopes over the second half (least squares); service restarts: ${system.restarts.length}`,
  );
  for (const line of system.restarts) print(`  ${line}`);
  for (const v of verdicts) print(describeVerdict(v));
  const flat =
    !interrupted && verdicts.length > 0 && verdicts.every((v) => v.flat) && system.restarts.length === 0;
  print(flat ? 'FLAT: memory and lag held steady' : 'NOT FLAT (or interrupted): see the lines above');
  process.exit(flat ? 0 : 1);
}

main().catch((error: Error) => {
  process.stderr.write(`soak failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
