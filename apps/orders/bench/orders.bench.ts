/**
 * npm run bench:orders — orders from `opsline.ingest.orders` through the orders and inventory services
 * until every order is ALLOCATED, beside the raw baselines of the messaging bench, in one run:
 *   0. raw baselines: kafkajs sendBatch (500 a batch, acks=-1), a consumer group reading them back
 *      (eachBatch, no-op), and `pg` multi-row upserts (500 rows a statement);
 *   1. throughput: BENCH_ORDERS (default 5,000) `opsline.order.placed.v1` with 3 lines, produced with
 *      sendBatch straight to `opsline.ingest.orders`; the clock stops when `orders.orders` has every
 *      one of them ALLOCATED (counted every 100 ms) → orders/s;
 *   2. latency: BENCH_RATE (default 500) orders/s for BENCH_SECONDS (default 10) s, paced by the clock;
 *      each order's send time against the arrival of its `opsline.orders.order-allocated.v1` on
 *      `opsline.orders` (a kafkajs consumer in this process) → p50/p99/max placement→allocated.
 * The broker runs in its own process (spawnBroker); PostgreSQL is the test server (a fresh database,
 * dropped at the end). BENCH_SERVICES=processes (the default, as `npm start` runs them) starts all four
 * services as child processes (returns and kpi consume the same topics, so they are part of the
 * load), their CPU reported as "services"; BENCH_SERVICES=in-process boots only orders and inventory
 * inside the bench process (the path alone), where "bench" CPU includes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Consumer, Kafka, logLevel, Message, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import {
  ALL_TOPICS,
  deadLetterTopic,
  GOODS_RECEIVED_V1,
  INGEST_ORDERS_TOPIC,
  INGEST_WAREHOUSE_TOPIC,
  ORDER_PLACED_V1,
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_TOPIC,
} from '@opsline/contracts';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { spawnBroker } from '../../../libs/kafka-broker/bench/broker-process';
import { CpuMeter, CpuSplit, cpuLine, servicesCpu } from '../../../libs/messaging/bench/cpu-meter';
import { ServiceProcess } from '../../../tools/launcher/service-process';
import { InventoryEnvironment } from '../../inventory/src/inventory.environment';
import { InventoryModule } from '../../inventory/src/inventory.module';
import { OrdersEnvironment } from '../src/orders.environment';
import { OrdersModule } from '../src/orders.module';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 5_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const LATENCY_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BATCH = 500;
const PARTITIONS = 3;
const WAREHOUSES = ['WH-1', 'WH-2', 'WH-3'];
const SKUS = Array.from({ length: 100 }, (_, i) => `SKU-${i}`);
const STOCK_PER_POSITION = 1_000_000;
const RAW_TOPIC = 'bench.raw.orders';
const RAW_SCHEMA = 'ordersbench';
const TARGETS = { ordersPerSecond: 1_500, p99Ms: 500, atRate: 500 };
const GIVE_UP_MS = 300_000;
const SERVICE_MODE = process.env.BENCH_SERVICES ?? 'processes';
const SERVICE_PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3101);
const SERVICES = ['orders', 'returns', 'inventory', 'kpi'] as const;

// ---------------------------------------------------------------------------------------------
// Events

interface WireEvent {
  id: string;
  subject?: string;
  time: string;
  data: Record<string, unknown>;
}

/** A valid `opsline.order.placed.v1` with three lines, at one of the seeded warehouses. */
function orderPlaced(run: string, phase: string, i: number): WireEvent {
  const orderId = `ORD-${run}-${phase}-${i}`;
  const data = {
    orderId,
    channel: i % 4 === 0 ? 'marketplace' : 'webshop',
    currency: 'EUR',
    promisedShipBy: '2026-11-21T16:00:00.000Z',
    warehouseId: WAREHOUSES[i % WAREHOUSES.length],
    customerId: `CUST-${i % 1000}`,
    lines: [
      { lineId: '1', sku: SKUS[i % SKUS.length], quantity: 2, unitPriceMinor: 1999 },
      { lineId: '2', sku: SKUS[(i * 7 + 1) % SKUS.length], quantity: 1, unitPriceMinor: 0 },
      { lineId: '3', sku: SKUS[(i * 13 + 2) % SKUS.length], quantity: 1 + (i % 3), unitPriceMinor: 250 },
    ],
  };
  const event = exampleEvent(ORDER_PLACED_V1, data) as unknown as WireEvent;
  return { ...event, id: `evt-${run}-${phase}-${i}`, subject: orderId, time: new Date().toISOString() };
}

function messageOf(event: WireEvent): Message {
  return {
    key: event.subject ?? null,
    value: Buffer.from(JSON.stringify(event)),
    headers: { 'content-type': 'application/cloudevents+json' },
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secondsSince = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function rateLine(label: string, count: number, seconds: number, unit = 'events'): string {
  return `${label}: ${count} ${unit} in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} ${unit}/s`;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = GIVE_UP_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

function perOrderLine(cpu: CpuSplit, orders: number): string {
  const us = (x: number | undefined) => (x === undefined ? 'n/a' : ((1e6 * x) / orders).toFixed(0));
  const postgres =
    cpu.postgresBackends === undefined ? undefined : cpu.postgresBackends + (cpu.postgresBackground ?? 0);
  const services = servicesCpu(cpu);
  const node =
    services > 0 ? `bench ${us(cpu.bench)} µs, services ${us(services)}` : `bench+services ${us(cpu.bench)}`;
  return `per order: ${node} µs, postgres ${us(postgres)} µs, broker ${us(cpu.broker)} µs CPU`;
}

interface DbStats {
  commits: number;
  rollbacks: number;
  deadlocks: number;
}

/** The database's transaction and deadlock counters (PostgreSQL flushes them within about a second). */
async function dbStats(pg: Client): Promise<DbStats> {
  const { rows } = await pg.query<{ commits: string; rollbacks: string; deadlocks: string }>(
    `SELECT xact_commit AS commits, xact_rollback AS rollbacks, deadlocks
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  return {
    commits: Number(rows[0].commits),
    rollbacks: Number(rows[0].rollbacks),
    deadlocks: Number(rows[0].deadlocks),
  };
}

function dbStatsLine(before: DbStats, after: DbStats, orders: number): string {
  const commits = after.commits - before.commits;
  return (
    `PostgreSQL: ${commits} commits (${(commits / orders).toFixed(2)} per order), ` +
    `${after.rollbacks - before.rollbacks} rollbacks, ${after.deadlocks - before.deadlocks} deadlocks detected`
  );
}

// ---------------------------------------------------------------------------------------------
// Raw baselines (as in the messaging bench)

interface Baselines {
  produce: number;
  consume: number;
  upsert: number;
}

async function rawBaselines(
  kafka: Kafka,
  databaseUrl: string,
  meter: CpuMeter,
  run: string,
): Promise<Baselines> {
  const events = Array.from({ length: ORDERS }, (_, i) => orderPlaced(run, 'raw', i));
  const batches: Message[][] = [];
  for (let from = 0; from < ORDERS; from += BATCH)
    batches.push(events.slice(from, from + BATCH).map(messageOf));

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  let before = await meter.snapshot();
  let started = process.hrtime.bigint();
  for (const messages of batches)
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic: RAW_TOPIC, messages }] });
  const produceSeconds = secondsSince(started);
  const produceCpu = await meter.since(before);
  await producer.disconnect();
  console.log(rateLine('raw produce (sendBatch of 500, one in flight)', ORDERS, produceSeconds));
  console.log(`  ${cpuLine(produceCpu)}`);

  const consumer = kafka.consumer({ groupId: `bench-raw-${run}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: RAW_TOPIC, fromBeginning: true });
  let count = 0;
  let firstBatchAt = 0n;
  before = await meter.snapshot();
  const doneAt = await new Promise<bigint>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        if (firstBatchAt === 0n) firstBatchAt = process.hrtime.bigint();
        count += batch.messages.length;
        if (count >= ORDERS) resolve(process.hrtime.bigint());
      },
    });
  });
  const consumeCpu = await meter.since(before);
  await consumer.disconnect();
  const consumeSeconds = Number(doneAt - firstBatchAt) / 1e9;
  console.log(rateLine('raw consume (eachBatch, no-op; first batch to last)', ORDERS, consumeSeconds));
  console.log(`  ${cpuLine(consumeCpu)}`);

  const pg = new Client({ connectionString: databaseUrl, application_name: 'bench-raw-upsert' });
  await pg.connect();
  await pg.query(`CREATE SCHEMA ${RAW_SCHEMA}`);
  await pg.query(`CREATE TABLE ${RAW_SCHEMA}.order_facts (
    order_id text PRIMARY KEY, channel text NOT NULL, total_minor bigint NOT NULL, placed_at timestamptz NOT NULL)`);
  before = await meter.snapshot();
  started = process.hrtime.bigint();
  for (let from = 0; from < ORDERS; from += BATCH) {
    const values: (string | number)[] = [];
    const tuples = events.slice(from, from + BATCH).map((event, i) => {
      const lines = event.data.lines as { quantity: number; unitPriceMinor: number }[];
      const total = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
      values.push(event.data.orderId as string, event.data.channel as string, total, event.time);
      return `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`;
    });
    await pg.query(
      `INSERT INTO ${RAW_SCHEMA}.order_facts (order_id, channel, total_minor, placed_at) VALUES ${tuples.join(', ')}
       ON CONFLICT (order_id) DO UPDATE SET channel = EXCLUDED.channel, total_minor = EXCLUDED.total_minor,
         placed_at = EXCLUDED.placed_at`,
      values,
    );
  }
  const upsertSeconds = secondsSince(started);
  const upsertCpu = await meter.since(before);
  await pg.end();
  console.log(rateLine('raw upsert (pg, 500 rows a statement)', ORDERS, upsertSeconds, 'rows'));
  console.log(`  ${cpuLine(upsertCpu)}`);
  return {
    produce: ORDERS / produceSeconds,
    consume: ORDERS / consumeSeconds,
    upsert: ORDERS / upsertSeconds,
  };
}

// ---------------------------------------------------------------------------------------------
// The services' path

async function seedStock(producer: Producer, pg: Client, run: string): Promise<void> {
  const messages = WAREHOUSES.map((warehouseId, w) =>
    messageOf({
      ...(exampleEvent(GOODS_RECEIVED_V1, {
        warehouseId,
        receiptId: `GR-${run}-${w}`,
        lines: SKUS.map((sku) => ({ sku, quantity: STOCK_PER_POSITION })),
      }) as unknown as WireEvent),
      id: `seed-${run}-${w}`,
      subject: warehouseId,
      time: new Date().toISOString(),
    }),
  );
  await producer.sendBatch({ acks: -1, topicMessages: [{ topic: INGEST_WAREHOUSE_TOPIC, messages }] });
  const positions = WAREHOUSES.length * SKUS.length;
  await waitUntil('stock positions', async () => {
    const { rows } = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM inventory.stock_positions WHERE on_hand >= $1`,
      [STOCK_PER_POSITION],
    );
    return Number(rows[0].n) >= positions;
  });
  console.log(
    `seeded ${WAREHOUSES.length} warehouses × ${SKUS.length} SKUs × ${STOCK_PER_POSITION} units (goods-received)`,
  );
}

async function allocatedCount(pg: Client, prefix: string): Promise<number> {
  const { rows } = await pg.query<{ n: string }>(
    `SELECT count(*) AS n FROM orders.orders WHERE status = 'ALLOCATED' AND starts_with(order_id, $1)`,
    [prefix],
  );
  return Number(rows[0].n);
}

async function throughput(
  producer: Producer,
  pg: Client,
  meter: CpuMeter,
  run: string,
): Promise<{ rate: number; seconds: number; producedAt: number }> {
  const events = Array.from({ length: ORDERS }, (_, i) => orderPlaced(run, 'tput', i));
  const batches: Message[][] = [];
  for (let from = 0; from < ORDERS; from += BATCH)
    batches.push(events.slice(from, from + BATCH).map(messageOf));
  const prefix = `ORD-${run}-tput-`;
  const before = await meter.snapshot();
  const started = process.hrtime.bigint();
  for (const messages of batches)
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic: INGEST_ORDERS_TOPIC, messages }] });
  const producedAt = secondsSince(started);
  let last = 0;
  const progress: string[] = [];
  let nextDetail = 1;
  const stages: string[] = [];
  let nextReport = 1;
  await waitUntil('every order ALLOCATED', async () => {
    last = await allocatedCount(pg, prefix);
    if (secondsSince(started) >= nextReport) {
      progress.push(`${nextReport}s:${last}`);
      nextReport += 1;
    }
    if (secondsSince(started) >= nextDetail) {
      // Where the orders are: placed by orders, allocated by inventory, recorded ALLOCATED by orders.
      const { rows } = await pg.query<{ placed: string; reserved: string }>(
        `SELECT (SELECT count(*) FROM orders.orders WHERE starts_with(order_id, $1)) AS placed,
                (SELECT count(*) FROM inventory.order_allocations WHERE starts_with(order_id, $1)) AS reserved`,
        [prefix],
      );
      stages.push(`${nextDetail}s:${rows[0].placed}/${rows[0].reserved}/${last}`);
      nextDetail += 5;
    }
    return last >= ORDERS;
  });
  const seconds = secondsSince(started);
  const cpu = await meter.since(before);
  const rate = ORDERS / seconds;
  console.log(
    rateLine(`throughput: ${ORDERS} orders produced → all ALLOCATED`, ORDERS, seconds, 'orders') +
      ` (produced in ${producedAt.toFixed(2)} s)`,
  );
  console.log(`  ALLOCATED so far, each second: ${progress.join(' ')}`);
  console.log(
    `  placed (orders) / allocated (inventory) / ALLOCATED (orders), every 5 s: ${stages.join(' ')}`,
  );
  console.log(`  ${cpuLine(cpu)}; ${perOrderLine(cpu, ORDERS)}`);
  return { rate, seconds, producedAt };
}

interface LatencyResult {
  p50: number;
  p99: number;
  max: number;
  count: number;
  sendLagMs: number;
}

async function latency(
  producer: Producer,
  allocatedAt: Map<string, number>,
  meter: CpuMeter,
  run: string,
): Promise<LatencyResult> {
  const total = Math.round(RATE * LATENCY_SECONDS);
  const events = Array.from({ length: total }, (_, i) => orderPlaced(run, 'lat', i));
  const sentAt = new Map<string, number>();
  const sends: Promise<unknown>[] = [];
  let maxLagMs = 0;
  const before = await meter.snapshot();
  const start = nowMs();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((nowMs() - start) / 1000) * RATE) + 1);
    if (due > sent) {
      maxLagMs = Math.max(maxLagMs, nowMs() - (start + (sent / RATE) * 1000));
      const slice = events.slice(sent, due);
      const at = nowMs();
      // The order counts from when it was due (by the clock), not when this loop got to it.
      slice.forEach((event, k) =>
        sentAt.set(event.subject as string, Math.min(at, start + ((sent + k) / RATE) * 1000)),
      );
      sends.push(producer.send({ topic: INGEST_ORDERS_TOPIC, acks: -1, messages: slice.map(messageOf) }));
      sent = due;
    }
    await sleep(2);
  }
  await Promise.all(sends);
  const offeredSeconds = (nowMs() - start) / 1000;
  await waitUntil(
    'every paced order allocated',
    async () => [...sentAt.keys()].every((orderId) => allocatedAt.has(orderId)),
    GIVE_UP_MS,
  );
  const cpu = await meter.since(before);
  const latencies = [...sentAt]
    .map(([orderId, at]) => (allocatedAt.get(orderId) as number) - at)
    .sort((a, b) => a - b);
  const result = {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    count: latencies.length,
    sendLagMs: maxLagMs,
  };
  console.log(
    `latency at ${RATE} orders/s offered for ${LATENCY_SECONDS} s (${total} orders, sent in ${offeredSeconds.toFixed(2)} s, ` +
      `pacer at most ${maxLagMs.toFixed(0)} ms late): placement→allocated p50 ${result.p50.toFixed(0)} ms, ` +
      `p90 ${percentile(latencies, 90).toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms, max ${result.max.toFixed(0)} ms`,
  );
  // Whether latency grew over the run (more offered than the services keep up with) or held.
  const bySecond = new Map<number, number[]>();
  for (const [orderId, at] of sentAt) {
    const second = Math.floor((at - start) / 1000) + 1;
    let values = bySecond.get(second);
    if (values === undefined) bySecond.set(second, (values = []));
    values.push((allocatedAt.get(orderId) as number) - at);
  }
  console.log(
    `  p50 by second sent: ${[...bySecond]
      .map(
        ([second, values]) =>
          `${second}s:${percentile(
            [...values].sort((a, b) => a - b),
            50,
          ).toFixed(0)}`,
      )
      .join(' ')} ms`,
  );
  console.log(`  ${cpuLine(cpu)}; ${perOrderLine(cpu, total)}`);
  return result;
}

/** Records the arrival time of every `order-allocated` on `opsline.orders`. */
async function watchAllocations(
  kafka: Kafka,
  run: string,
  allocatedAt: Map<string, number>,
): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: `bench-allocated-${run}`, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: ORDERS_TOPIC, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    partitionsConsumedConcurrently: PARTITIONS,
    eachBatch: async ({ batch }) => {
      const at = nowMs();
      for (const message of batch.messages) {
        const value = message.value?.toString() ?? '';
        if (!value.includes(ORDERS_ORDER_ALLOCATED_V1)) continue;
        const event = JSON.parse(value) as { type: string; data: { orderId?: string } };
        if (
          event.type === ORDERS_ORDER_ALLOCATED_V1 &&
          event.data.orderId &&
          !allocatedAt.has(event.data.orderId)
        )
          allocatedAt.set(event.data.orderId, at);
      }
    },
  });
  await joined;
  return consumer;
}

/** The four services as `npm start` runs them, each in its own process, once they answer ready. */
async function startServiceProcesses(vars: {
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
}): Promise<ServiceProcess[]> {
  const children = SERVICES.map(
    (name, i) =>
      new ServiceProcess(name, SERVICE_PORT_BASE + i, { ...vars, LOG_LEVEL: 'warn' }, (line) =>
        process.stderr.write(`${line}\n`),
      ),
  );
  for (const child of children) child.start();
  for (const child of children) {
    await waitUntil(`${child.name} ready`, async () => {
      const response = await fetch(`http://127.0.0.1:${child.port}/health/ready`).catch(() => undefined);
      return response?.status === 200;
    });
  }
  return children;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const run = Date.now().toString(36).toUpperCase();
  const dataDir = mkdtempSync(join(tmpdir(), 'opsline-orders-bench-'));
  const [broker, db] = await Promise.all([
    spawnBroker(19092 + Math.floor(Math.random() * 1000), dataDir),
    createTestDatabase({ name: 'orders-bench' }),
  ]);
  const admin = new Client({ connectionString: db.server.adminUrl, application_name: 'bench-cpu-meter' });
  const pg = new Client({ connectionString: db.url, application_name: 'bench-poller' });
  const apps: NestFastifyApplication[] = [];
  const children: ServiceProcess[] = [];
  const consumers: Consumer[] = [];
  let producer: Producer | undefined;
  try {
    await admin.connect();
    await pg.connect();
    const meter = new CpuMeter(broker, admin, db.databaseName, () =>
      children.flatMap((child) => (child.pid === undefined ? [] : [{ name: child.name, pid: child.pid }])),
    );
    const kafka = new Kafka({
      brokers: [broker.address],
      clientId: 'orders-bench',
      logLevel: logLevel.NOTHING,
    });
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics({
      topics: [RAW_TOPIC, ...ALL_TOPICS.flatMap((topic) => [topic, deadLetterTopic(topic)])].map((topic) => ({
        topic,
        numPartitions: PARTITIONS,
      })),
    });
    await kafkaAdmin.disconnect();
    console.log(
      `orders bench: ${ORDERS} orders (3 lines each) for throughput, ${RATE} orders/s × ${LATENCY_SECONDS} s for latency; ` +
        `broker in its own process, database ${db.databaseName} (${db.server.kind}); ` +
        (SERVICE_MODE === 'processes'
          ? 'the four services as child processes'
          : 'orders + inventory in this process (kpi, returns not started)') +
        `; ${PARTITIONS} partitions`,
    );

    const raw = await rawBaselines(kafka, db.url, meter, run);

    const vars = { DATABASE_URL: db.url, KAFKA_BROKERS: broker.address };
    const bootStarted = process.hrtime.bigint();
    if (SERVICE_MODE === 'processes') {
      children.push(...(await startServiceProcesses(vars)));
    } else {
      apps.push(
        await startServiceForTest(
          { name: 'orders', Environment: OrdersEnvironment, module: (env) => OrdersModule.forRoot(env) },
          vars,
        ),
      );
      apps.push(
        await startServiceForTest(
          {
            name: 'inventory',
            Environment: InventoryEnvironment,
            module: (env) => InventoryModule.forRoot(env),
          },
          vars,
        ),
      );
    }
    console.log(`services booted in ${secondsSince(bootStarted).toFixed(2)} s`);

    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await seedStock(producer, pg, run);
    const allocatedAt = new Map<string, number>();
    consumers.push(await watchAllocations(kafka, run, allocatedAt));

    const stats0 = await dbStats(pg);
    const tput = await throughput(producer, pg, meter, run);
    await sleep(1_500); // let the services' consumers go idle and PostgreSQL flush its counters
    const stats1 = await dbStats(pg);
    console.log(`  ${dbStatsLine(stats0, stats1, ORDERS)}`);
    const lat = await latency(producer, allocatedAt, meter, run);
    await sleep(1_500);
    console.log(`  ${dbStatsLine(stats1, await dbStats(pg), Math.round(RATE * LATENCY_SECONDS))}`);

    const { rows: statuses } = await pg.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM orders.orders GROUP BY status ORDER BY status`,
    );
    const notAllocated = statuses.filter((row) => row.status !== 'ALLOCATED');
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const ofTarget = tput.rate / TARGETS.ordersPerSecond;
    const p99Ratio = lat.p99 / TARGETS.p99Ms;
    console.log(
      `summary: ${Math.round(tput.rate)} orders/s ÷ ${TARGETS.ordersPerSecond} = ${ofTarget.toFixed(2)} ` +
        `(target ≥ 1: ${verdict(ofTarget >= 1)}); p99 ${lat.p99.toFixed(0)} ms ÷ ${TARGETS.p99Ms} ms = ` +
        `${p99Ratio.toFixed(2)} at ${RATE} orders/s (target ≤ 1 at 500 orders/s: ${RATE === TARGETS.atRate ? verdict(p99Ratio <= 1) : 'other rate, not comparable'}); p50 ${lat.p50.toFixed(0)} ms`,
    );
    console.log(
      `  orders/s ÷ raw produce ${(tput.rate / raw.produce).toFixed(3)}, ÷ raw consume ${(tput.rate / raw.consume).toFixed(3)}, ` +
        `÷ raw upsert ${(tput.rate / raw.upsert).toFixed(3)} (one order = 4 events: ingest, order-placed, stock-reserved, order-allocated)`,
    );
    console.log(`  check: orders by status ${statuses.map((row) => `${row.status} ${row.n}`).join(', ')}`);
    if (notAllocated.length > 0) process.exitCode = 1;
  } finally {
    for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await Promise.all(children.map((child) => child.stop(10_000)));
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
