/**
 * npm run bench:kpi — the KPI read models in one run (a benchmark, not a test: figures and ratios):
 *   0. baseline: the same fact rows (projected beforehand) written with raw `pg` batched upserts, 500
 *      events a transaction, the repository's multi-row statements, no Kafka, no inbox, no change log;
 *   1. live projection: BENCH_EVENTS (default 50,000) domain events of the seeded KPI scenario produced
 *      with sendBatch straight to opsline.orders/returns/inventory while the kpi service (its own
 *      process, the projector of 3) consumes; the clock runs from the first send until the
 *      service's group has committed every offset → events/s;
 *   2. rebuild: POST /admin/read-models/rebuild, until GET /admin/read-models/rebuild says switched
 *      (group join, every message from offset 0, the switch) → events/s;
 *   3. under load for BENCH_SECONDS (default 10): new orders produced at 50% of the rate measured in 1,
 *      each one's due time against the moment its row is in the live fact table GET /kpis reads
 *      (polled every 20 ms) → event→visible p50/p99; meanwhile autocannon sends GET /kpis (day, 90
 *      days, warehouseId) at 200 req/s → p50/p99. The API is served by a second kpi process with
 *      KPI_ROLE=api beside a KPI_ROLE=projector one (as deploy/k8s runs them, here on one machine,
 *      where the projector's KPI_PROJECTOR_NICE, default 10, lets the API answer first);
 *      BENCH_KPI_API=same sends the API load to one KPI_ROLE=all process instead;
 *  3b. the same ingestion again, with GET /kpis at 200 evenly spaced requests/s (paced-load.ts, open
 *      loop: latency from each request's due time) → p50/p99, a check on autocannon's bursty pacing.
 * The broker runs in its own process, PostgreSQL is the test server (a fresh database, dropped after).
 * BENCH_KPI_LOG_LEVEL (default warn) is the projector's LOG_LEVEL: `info` shows where a switch's time went.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Message, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { deadLetterTopic } from '@opsline/contracts';
import { createTestDatabase } from '@opsline/persistence/testing';
import { spawnBroker } from '../../../libs/kafka-broker/bench/broker-process';
import { CpuMeter, cpuLine } from '../../../libs/messaging/bench/cpu-meter';
import { ServiceProcess } from '../../../tools/launcher/service-process';
import { TopicEvent } from '../src/domain/kpi.fixtures';
import { KPI_SOURCE_TOPICS } from '../src/infrastructure/consumer-lag.reader';
import { KPI_CONSUMER_GROUP } from '../src/infrastructure/kpi-tables';
import { kpiScenario, shuffledWithDuplicates } from '../test/kpi-scenario';
import { eventLoopLag, loadInOwnProcess, pacedInOwnProcess, serverDurations, serverShares } from './api-load';
import { BATCH, messageOf, nowMs, rate, sleep, waitUntil } from './bench-helpers';
import { eventToVisible } from './event-to-visible';
import { rawUpsertBaseline } from './raw-upsert-baseline';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const API_RATE = 200;
/**
 * autocannon's `-R` lets each connection send its share of a second back to back at the second's
 * start, so the connections are the load's concurrency: 200 req/s answered within the 50 ms target
 * have 200 × 0.05 = 10 in flight (Little's law). With 50, every second began with 50 requests at
 * once (a 1,000 req/s concurrency) and their queueing was most of the p99. The paced load in 3b
 * checks the figure with evenly spaced requests.
 */
const API_CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 10);
const PARTITIONS = 3;
const PORT = Number(process.env.BENCH_PORT ?? 3114);
/** `separate` (default): GET /kpis load on a KPI_ROLE=api process; `same`: on the projecting one. */
const API_PROCESS = process.env.BENCH_KPI_API === 'same' ? 'same' : 'separate';
const AUTH = { authorization: 'Bearer dev-key' };
const API_LOAD = { rate: API_RATE, connections: API_CONNECTIONS, headers: AUTH };
const KPI_URL =
  '/kpis?from=2026-09-01T00:00:00.000Z&to=2026-11-30T00:00:00.000Z&granularity=day&warehouseId=WH-1';
const TARGETS = { ofRawUpsert: 0.5, projection: 5_000, rebuild: 10_000, visibleP99Ms: 1_000, apiP99Ms: 50 };

/** The first `count` events of the seeded scenario (each aggregate in its order). */
function scenarioEvents(count: number): TopicEvent[] {
  // Aggregates interleaved (each in its order), so every topic is in the first `count`.
  const events = shuffledWithDuplicates(kpiScenario(20261125, Math.ceil(count / 3)), 7, 0);
  if (events.length < count) throw new Error(`the scenario has only ${events.length} events`);
  return events.slice(0, count);
}

async function produce(producer: Producer, events: readonly TopicEvent[]): Promise<void> {
  for (let from = 0; from < events.length; from += BATCH) {
    const byTopic = new Map<string, Message[]>();
    for (const topicEvent of events.slice(from, from + BATCH))
      byTopic.set(topicEvent.topic, [...(byTopic.get(topicEvent.topic) ?? []), messageOf(topicEvent)]);
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The service

async function remaining(kafka: Kafka, groupId: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let behind = 0;
    const committed = await admin.fetchOffsets({ groupId, topics: [...KPI_SOURCE_TOPICS] });
    for (const topic of KPI_SOURCE_TOPICS) {
      const high = await admin.fetchTopicOffsets(topic);
      const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const { partition, high: end } of high) {
        const offset = Number(done.find((p) => p.partition === partition)?.offset ?? -1);
        behind += Math.max(0, Number(end) - Math.max(0, offset));
      }
    }
    return behind;
  } finally {
    await admin.disconnect();
  }
}

async function http(base: string, path: string, method = 'GET'): Promise<unknown> {
  const response = await fetch(`${base}${path}`, { method, headers: AUTH });
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opsline-kpi-bench-'));
  const [broker, db] = await Promise.all([
    spawnBroker(19092 + Math.floor(Math.random() * 1000), dataDir),
    createTestDatabase({ name: 'kpi-bench' }),
  ]);
  const admin = new Client({ connectionString: db.server.adminUrl, application_name: 'kpi-bench-cpu' });
  const pg = new Client({ connectionString: db.url, application_name: 'kpi-bench-poller' });
  let service: ServiceProcess | undefined;
  let apiService: ServiceProcess | undefined;
  let producer: Producer | undefined;
  const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');
  try {
    await admin.connect();
    await pg.connect();
    const meter = new CpuMeter(broker, admin, db.databaseName, () =>
      [
        { name: 'kpi', pid: service?.pid },
        { name: 'kpi-api', pid: apiService?.pid },
      ].filter((child): child is { name: string; pid: number } => child.pid !== undefined),
    );
    const kafka = new Kafka({ brokers: [broker.address], clientId: 'kpi-bench', logLevel: logLevel.NOTHING });
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics({
      topics: KPI_SOURCE_TOPICS.flatMap((topic) => [topic, deadLetterTopic(topic)]).map((topic) => ({
        topic,
        numPartitions: PARTITIONS,
      })),
    });
    await kafkaAdmin.disconnect();
    const events = scenarioEvents(EVENTS);
    const byTopic = KPI_SOURCE_TOPICS.map((t) => `${t} ${events.filter((e) => e.topic === t).length}`);
    console.log(
      `kpi bench: ${EVENTS} domain events of the seeded scenario (${byTopic.join(', ')}); broker in its own ` +
        `process, database ${db.databaseName} (${db.server.kind}), the kpi service as a child process ` +
        `(KPI_ROLE=${API_PROCESS === 'separate' ? `projector at KPI_PROJECTOR_NICE=${process.env.KPI_PROJECTOR_NICE ?? '10 (default)'}, beside an api one` : 'all'}); ${PARTITIONS} partitions`,
    );

    const rawRate = await rawUpsertBaseline(db.url, events, meter);

    service = new ServiceProcess(
      'kpi',
      PORT,
      {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: broker.address,
        LOG_LEVEL: process.env.BENCH_KPI_LOG_LEVEL ?? 'warn',
        // one projector beside an API replica, as deploy/k8s runs them (here on one machine)
        KPI_ROLE: API_PROCESS === 'separate' ? 'projector' : 'all',
      },
      (line) => process.stderr.write(`${line}\n`),
    );
    service.start();
    const base = `http://127.0.0.1:${PORT}`;
    await waitUntil('kpi ready', async () => {
      const response = await fetch(`${base}/health/ready`).catch(() => undefined);
      return response?.status === 200;
    });
    if (API_PROCESS === 'separate') {
      apiService = new ServiceProcess(
        'kpi',
        PORT + 1,
        { DATABASE_URL: db.url, KAFKA_BROKERS: broker.address, LOG_LEVEL: 'warn', KPI_ROLE: 'api' },
        (line) => process.stderr.write(`api ${line}\n`),
      );
      apiService.start();
    }
    const apiBase = API_PROCESS === 'separate' ? `http://127.0.0.1:${PORT + 1}` : base;
    await waitUntil('kpi API ready', async () => {
      const response = await fetch(`${apiBase}/health/ready`).catch(() => undefined);
      return response?.status === 200;
    });

    // 1. live projection
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    let before = await meter.snapshot();
    let started = nowMs();
    await produce(producer, events);
    const producedMs = nowMs() - started;
    await waitUntil(
      'the kpi consumer to commit every offset',
      async () => (await remaining(kafka, KPI_CONSUMER_GROUP)) === 0,
    );
    const projectionMs = nowMs() - started;
    const projectionRate = rate(EVENTS, projectionMs);
    console.log(
      `1. live projection: ${EVENTS} events produced (in ${(producedMs / 1000).toFixed(2)} s) → all committed by the kpi ` +
        `consumer in ${(projectionMs / 1000).toFixed(2)} s = ${Math.round(projectionRate)} events/s`,
    );
    console.log(`  ${cpuLine(await meter.since(before))}`);

    // 2. rebuild from offset 0
    before = await meter.snapshot();
    started = nowMs();
    const rebuild = (await http(base, '/admin/read-models/rebuild', 'POST')) as { targetSchema: string };
    let lastRemaining = '';
    // When the progress first showed applied events and when nothing remained (polled every 20 ms):
    // the rate in between is the replay's own, apart from the group join before and the switch after.
    let firstAppliedMs: number | null = null;
    let caughtUpMs: number | null = null;
    let remainingAtFirstApplied = EVENTS;
    await waitUntil(
      'the rebuild to switch',
      async () => {
        const progress = (await http(base, '/admin/read-models/rebuild')) as {
          rebuild: { status: string; remainingByTopic: Record<string, number> | null };
        };
        if (progress.rebuild.status === 'failed') throw new Error('the rebuild failed');
        const remaining = Object.values(progress.rebuild.remainingByTopic ?? {}).reduce((a, b) => a + b, 0);
        if (firstAppliedMs === null && remaining < EVENTS) {
          firstAppliedMs = nowMs() - started;
          remainingAtFirstApplied = remaining;
        }
        if (caughtUpMs === null && remaining === 0) caughtUpMs = nowMs() - started;
        lastRemaining = JSON.stringify(progress.rebuild.remainingByTopic);
        return progress.rebuild.status === 'switched';
      },
      20,
    );
    const rebuildMs = nowMs() - started;
    const rebuildRate = rate(EVENTS, rebuildMs);
    console.log(
      `2. rebuild into ${rebuild.targetSchema} from offset 0 (group join, ${EVENTS} events, switch): ` +
        `${(rebuildMs / 1000).toFixed(2)} s = ${Math.round(rebuildRate)} events/s (remaining at the end ${lastRemaining})`,
    );
    if (firstAppliedMs !== null && caughtUpMs !== null && caughtUpMs > firstAppliedMs)
      console.log(
        `  of which: POST → first events committed ${(firstAppliedMs / 1000).toFixed(2)} s (tables, group join, ` +
          `first batch); then ${remainingAtFirstApplied} events in ${((caughtUpMs - firstAppliedMs) / 1000).toFixed(2)} s = ` +
          `${Math.round(rate(remainingAtFirstApplied, caughtUpMs - firstAppliedMs))} events/s; caught up → switched ` +
          `${((rebuildMs - caughtUpMs) / 1000).toFixed(2)} s (index and analyze while the live consumer stops, switch)`,
      );
    console.log(`  ${cpuLine(await meter.since(before))}`);

    // 3. event→visible at 50% of the measured projection rate, with GET /kpis at 200 req/s meanwhile
    const loadRate = Math.max(1, Math.round(projectionRate / 2));
    // the API process reads the rebuilt version once it has refreshed (every 5 s)
    await sleep(API_PROCESS === 'separate' ? 5_500 : 0);
    // The first answer to a question is computed while its asker waits; every later one within
    // KPI_ANSWER_MAX_AGE_MS is shared, and older ones are refreshed behind the previous answer. The
    // measurement is of that steady state; the cold answer is timed on its own.
    const coldStarted = nowMs();
    await http(apiBase, KPI_URL);
    const coldMs = nowMs() - coldStarted;
    await eventLoopLag(apiBase); // prom-client restarts its event-loop histogram at every scrape
    const durationsBefore = await serverDurations(apiBase);
    before = await meter.snapshot();
    const api = loadInOwnProcess(`${apiBase}${KPI_URL}`, { ...API_LOAD, seconds: LOAD_SECONDS });
    const [visibility, apiResult] = await Promise.all([
      eventToVisible(producer, pg, rebuild.targetSchema, loadRate, LOAD_SECONDS, 'LAT'),
      api,
    ]);
    const loadCpu = await meter.since(before);
    const non2xx = apiResult.non2xx + apiResult.errors + apiResult.timeouts;
    console.log(
      `3. under load for ${LOAD_SECONDS} s: ${visibility.count} new orders at ${loadRate} events/s (50% of 1; offered ` +
        `${Math.round(visibility.offeredRate)}/s): event→visible p50 ${visibility.p50.toFixed(0)} ms, p99 ` +
        `${visibility.p99.toFixed(0)} ms, max ${visibility.max.toFixed(0)} ms`,
    );
    console.log(
      `   GET ${KPI_URL} at ${API_RATE} req/s offered (autocannon, ${API_CONNECTIONS} connections, ` +
        `${API_PROCESS === 'separate' ? 'a KPI_ROLE=api process' : 'the projecting process'}): ` +
        `${apiResult.requests.total} requests (${Math.round(apiResult.requests.total / LOAD_SECONDS)}/s answered), ` +
        `${non2xx} not 2xx/errors, p50 ${apiResult.latency.p50} ms, p90 ${apiResult.latency.p90} ms, ` +
        `p99 ${apiResult.latency.p99} ms, max ${apiResult.latency.max} ms`,
    );
    const lag = await eventLoopLag(apiBase);
    console.log(
      `   API process event-loop delay during 3 (its own /metrics): p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms`,
    );
    console.log(
      `   the first answer to that question (computed while its asker waited, before the load): ${coldMs.toFixed(0)} ms`,
    );
    console.log(
      `   the same requests timed by the API process (first hook to reply sent): ` +
        serverShares(durationsBefore, await serverDurations(apiBase), [0.01, 0.025, 0.05, 0.1, 0.25]),
    );
    console.log(`  ${cpuLine(loadCpu)}`);

    // 3b. the same ingestion with evenly spaced GET /kpis instead (latency from each request's due time)
    // new orders again (the same ones would be duplicates, which cost the projection next to nothing)
    const pacedVisibility = eventToVisible(
      producer,
      pg,
      rebuild.targetSchema,
      loadRate,
      LOAD_SECONDS,
      'LAT-B',
    );
    const paced = await pacedInOwnProcess(`${apiBase}${KPI_URL}`, { ...API_LOAD, seconds: LOAD_SECONDS });
    await pacedVisibility;
    console.log(
      `3b. the same ingestion for ${LOAD_SECONDS} s with GET /kpis at ${API_RATE} req/s evenly spaced (open loop, ` +
        `latency from each request's due time): ${paced.answered} of ${paced.sent} answered 200, ${paced.failed} failed, ` +
        `p50 ${paced.p50.toFixed(0)} ms, p90 ${paced.p90.toFixed(0)} ms, p99 ${paced.p99.toFixed(0)} ms, max ${paced.max.toFixed(0)} ms`,
    );

    // the same API load with nothing being ingested, to tell the queries' cost from the contention
    await eventLoopLag(apiBase);
    const idle = await loadInOwnProcess(`${apiBase}${KPI_URL}`, { ...API_LOAD, seconds: 5 });
    const idleLag = await eventLoopLag(apiBase);
    console.log(
      `   the same GET /kpis load for 5 s with no ingestion: p50 ${idle.latency.p50} ms, p90 ${idle.latency.p90} ms, ` +
        `p99 ${idle.latency.p99} ms, max ${idle.latency.max} ms; event-loop delay p99 ${idleLag.p99} ms`,
    );

    const lines: [string, number, boolean][] = [
      [
        `projection ${Math.round(projectionRate)} ÷ raw upsert ${Math.round(rawRate)} events/s (target ≥ ${TARGETS.ofRawUpsert})`,
        projectionRate / rawRate,
        projectionRate / rawRate >= TARGETS.ofRawUpsert,
      ],
      [
        `projection ${Math.round(projectionRate)} ÷ ${TARGETS.projection} events/s`,
        projectionRate / TARGETS.projection,
        projectionRate >= TARGETS.projection,
      ],
      [
        `rebuild ${Math.round(rebuildRate)} ÷ ${TARGETS.rebuild} events/s`,
        rebuildRate / TARGETS.rebuild,
        rebuildRate >= TARGETS.rebuild,
      ],
      [
        `event→visible p99 ${visibility.p99.toFixed(0)} ÷ ${TARGETS.visibleP99Ms} ms at 50% load (target ≤ 1)`,
        visibility.p99 / TARGETS.visibleP99Ms,
        visibility.p99 <= TARGETS.visibleP99Ms,
      ],
      [
        `GET /kpis p99 ${apiResult.latency.p99} ÷ ${TARGETS.apiP99Ms} ms at ${API_RATE} req/s (autocannon, ${API_CONNECTIONS} connections; target ≤ 1)`,
        apiResult.latency.p99 / TARGETS.apiP99Ms,
        apiResult.latency.p99 <= TARGETS.apiP99Ms &&
          non2xx === 0 &&
          apiResult.requests.total >= 0.95 * API_RATE * LOAD_SECONDS,
      ],
      [
        `GET /kpis p99 ${paced.p99.toFixed(0)} ÷ ${TARGETS.apiP99Ms} ms at ${API_RATE} req/s evenly spaced (target ≤ 1)`,
        paced.p99 / TARGETS.apiP99Ms,
        paced.p99 <= TARGETS.apiP99Ms && paced.failed === 0 && paced.answered === paced.sent,
      ],
    ];
    console.log('summary:');
    for (const [label, ratio, ok] of lines) console.log(`  ${label} = ${ratio.toFixed(2)}: ${verdict(ok)}`);
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await apiService?.stop(10_000);
    await service?.stop(10_000);
    await pg.end().catch(() => undefined);
    await admin.end().catch(() => undefined);
    await db.drop();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
