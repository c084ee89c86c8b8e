/**
 * npm run bench:messaging — one broker (its own process) and one fresh database, four phases:
 *   1. raw produce: kafkajs sendBatch of the serialized events (batches of 500, acks=-1);
 *   2. raw consume: a consumer group reads them with eachBatch and a no-op handler;
 *   3. raw upsert: `pg` multi-row INSERT … ON CONFLICT DO UPDATE of the same rows, 500 a statement;
 *   4. pipeline: outbox (transactions of 500) → OutboxRelay → broker → BatchConsumer (the real
 *      validator, the inbox) → one order_facts row per event, written by
 *      a. an event handler: one upsert round trip per event (what @OnEvent handlers do), and
 *      b. a batch handler: one multi-row upsert per run of events in the consumer's transaction.
 * Prints events/s of each, each pipeline's ratio to min(raw consume, raw upsert) and to 5,000
 * events/s (the targets), and the CPU split between this process, the broker and PostgreSQL.
 * BENCH_EVENTS (default 50,000) sets the number of events; BENCH_PIPELINES (default
 * `per-event,batch`) which pipelines run; BENCH_STAGES=1 also runs each pipeline's stages one after
 * the other (all writes, then the relay drains the outbox, then the consumer drains the topic), which
 * shows what each stage costs and can do on its own; BENCH_RELAY_BATCH the relay's batch size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORDER_PLACED_V1, OrderPlacedV1, parseCloudEventBytes } from '@opsline/contracts';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, MigratedTestDatabase } from '@opsline/persistence/testing';
import { spawnBroker } from '../../kafka-broker/bench/broker-process';
import { measureNestServerKafka } from './nest-server-kafka.stage';
import { CpuMeter, CpuSplit, cpuLine } from './cpu-meter';
import { BatchConsumer } from '../src/consumer/batch-consumer';
import {
  ConsumedEvent,
  EventBatchHandlerFn,
  EventHandlerFn,
  EventParser,
} from '../src/consumer/consumed-event';
import { DeadLetterPublisher } from '../src/consumer/dead-letter-publisher';
import { createKafkaClient } from '../src/kafka/kafka-client';
import { MessagingLogger } from '../src/messaging-logger';
import { createMessagingTablesMigration } from '../src/messaging-tables';
import { Outbox, OutboxEntry, OutgoingEvent } from '../src/outbox/outbox';
import { OutboxRelay } from '../src/outbox/outbox-relay';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = 500;
const PARTITIONS = 3;
const SCHEMA = 'msgbench';
const RAW_TOPIC = 'bench.raw.orders';
const PIPELINE_MODES = ['per-event', 'batch'] as const;
type PipelineMode = (typeof PIPELINE_MODES)[number];
const PIPELINES = (process.env.BENCH_PIPELINES ?? PIPELINE_MODES.join(',')).split(',').map((mode) => {
  if (!(PIPELINE_MODES as readonly string[]).includes(mode)) throw new Error(`unknown pipeline ${mode}`);
  return mode as PipelineMode;
});
const STAGED = process.env.BENCH_STAGES === '1';
/** Rows the relay publishes per round (default: the relay's own default). */
const RELAY_BATCH =
  process.env.BENCH_RELAY_BATCH === undefined ? undefined : Number(process.env.BENCH_RELAY_BATCH);
/** A pipeline run: its mode, and whether its stages run one after the other (to see each one's ceiling). */
interface PipelineRun {
  readonly mode: PipelineMode;
  readonly staged: boolean;
}
const RUNS: PipelineRun[] = [
  ...PIPELINES.map((mode) => ({ mode, staged: false })),
  ...(STAGED ? PIPELINES.map((mode) => ({ mode, staged: true })) : []),
];
const runName = ({ mode, staged }: PipelineRun) => `${staged ? 'staged' : 'pipeline'}-${mode}`;
const pipelineTopic = (run: PipelineRun) => `bench.${runName(run)}.orders`;
const groupOf = (run: PipelineRun) => `bench-${runName(run)}`;
const TARGETS = { ofBaseline: 0.5, pipeline: 5_000 };

/** The table the pipeline's handler (and the raw upsert) writes: one row per order. */
class CreateOrderFacts1764000000100 implements MigrationInterface {
  name = 'CreateOrderFacts1764000000100';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ${SCHEMA}.order_facts (
      order_id text PRIMARY KEY,
      channel text NOT NULL,
      total_minor bigint NOT NULL,
      placed_at timestamptz NOT NULL
    )`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${SCHEMA}.order_facts`);
  }
}

const UPSERT_CONFLICT = `ON CONFLICT (order_id) DO UPDATE SET channel = EXCLUDED.channel,
  total_minor = EXCLUDED.total_minor, placed_at = EXCLUDED.placed_at`;

// ---------------------------------------------------------------------------------------------
// Events

interface BenchEvent extends OutgoingEvent {
  readonly time: string;
  readonly data: OrderPlacedV1;
}

interface OrderFact {
  orderId: string;
  channel: string;
  totalMinor: number;
  placedAt: string;
}

/** A valid `opsline.order.placed.v1` with a unique id and order id, and three lines. */
function orderPlaced(run: string, i: number): BenchEvent {
  const example = exampleEvent(ORDER_PLACED_V1);
  const orderId = `ORD-${run}-${i}`;
  const data = {
    ...(example.data as unknown as OrderPlacedV1),
    orderId,
    channel: i % 4 === 0 ? 'marketplace' : 'webshop',
    lines: [
      { lineId: '1', sku: 'SKU-42', quantity: 2, unitPriceMinor: 1999 },
      { lineId: '2', sku: 'SKU-7', quantity: 1, unitPriceMinor: 0 },
      { lineId: '3', sku: `SKU-${i % 500}`, quantity: 1 + (i % 3), unitPriceMinor: 250 + (i % 1000) },
    ],
  };
  return {
    ...example,
    id: `evt-${run}-${i}`,
    type: ORDER_PLACED_V1,
    subject: orderId,
    time: new Date(Date.UTC(2026, 10, 20, 10) + i * 1000).toISOString(),
    data,
  };
}

function factOf(event: { time: string; data: OrderPlacedV1 }): OrderFact {
  const { data } = event;
  let totalMinor = 0;
  for (const line of data.lines) totalMinor += line.quantity * line.unitPriceMinor;
  return { orderId: data.orderId, channel: data.channel, totalMinor, placedAt: event.time };
}

// ---------------------------------------------------------------------------------------------
// CPU accounting: this process, the broker process, and PostgreSQL read from /proc

function rate(count: number, seconds: number): number {
  return count / seconds;
}

function rateLine(label: string, count: number, seconds: number, unit = 'events'): string {
  return `${label}: ${count} ${unit} in ${seconds.toFixed(2)} s = ${Math.round(rate(count, seconds))} ${unit}/s`;
}

// ---------------------------------------------------------------------------------------------
// Phases

function messagesOf(events: readonly BenchEvent[], from: number): Message[] {
  return events.slice(from, from + BATCH).map((event) => ({
    key: event.subject,
    value: Buffer.from(JSON.stringify(event)),
    headers: { 'content-type': 'application/cloudevents+json' },
  }));
}

/** One batch at a time, as the relay publishes; `batches` are serialized before the clock starts. */
async function rawProduce(producer: Producer, batches: readonly Message[][]): Promise<void> {
  for (const messages of batches)
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic: RAW_TOPIC, messages }] });
}

async function rawConsume(kafka: Kafka): Promise<{ firstBatchAt: bigint; doneAt: bigint }> {
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: RAW_TOPIC, fromBeginning: true });
  let count = 0;
  let firstBatchAt = 0n;
  const doneAt = await new Promise<bigint>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        if (firstBatchAt === 0n) firstBatchAt = process.hrtime.bigint();
        count += batch.messages.length;
        if (count >= EVENTS) resolve(process.hrtime.bigint());
      },
    });
  });
  await consumer.disconnect();
  return { firstBatchAt, doneAt };
}

async function rawUpsert(client: Client, facts: readonly OrderFact[]): Promise<void> {
  for (let from = 0; from < facts.length; from += BATCH) {
    const batch = facts.slice(from, from + BATCH);
    const values: (string | number)[] = [];
    const tuples = batch.map((fact, i) => {
      values.push(fact.orderId, fact.channel, fact.totalMinor, fact.placedAt);
      return `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`;
    });
    await client.query(
      `INSERT INTO ${SCHEMA}.order_facts (order_id, channel, total_minor, placed_at)
         VALUES ${tuples.join(', ')} ${UPSERT_CONFLICT}`,
      values,
    );
  }
}

/** Collects what the messaging classes and kafkajs warn about; the pipeline should be silent. */
class CollectingLogger implements MessagingLogger {
  readonly warnings: string[] = [];
  info(): void {}
  warn(message: string, fields?: Record<string, unknown>): void {
    this.warnings.push(`warn ${message} ${JSON.stringify(fields ?? {})}`);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.warnings.push(`error ${message} ${JSON.stringify(fields ?? {})}`);
  }
}

interface Stage {
  name: string;
  seconds: number;
  cpu: CpuSplit;
}

interface PipelineTimes {
  started: bigint;
  writesDoneAt: bigint;
  publishedAt: bigint;
  firstAppliedAt: bigint;
  doneAt: bigint;
  handlerCalls: number;
}

async function pipeline(
  run: PipelineRun,
  kafka: Kafka,
  db: MigratedTestDatabase,
  events: readonly BenchEvent[],
  logger: CollectingLogger,
  meter: CpuMeter,
): Promise<PipelineTimes & { cpu: CpuSplit; stages: Stage[] }> {
  const { mode, staged } = run;
  const topic = pipelineTopic(run);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // Counts what the relay publishes, to tell relay and consumer apart in the timeline.
  let published = 0;
  let publishedAt = 0n;
  let resolvePublished: () => void = () => undefined;
  const allPublished = new Promise<void>((resolve) => (resolvePublished = resolve));
  const countingProducer: Producer = {
    ...producer,
    sendBatch: async (batch) => {
      const result = await producer.sendBatch(batch);
      for (const { messages } of batch.topicMessages ?? []) published += messages.length;
      if (published >= events.length && publishedAt === 0n) {
        publishedAt = process.hrtime.bigint();
        resolvePublished();
      }
      return result;
    },
  };
  const relay = new OutboxRelay({
    databaseUrl: db.url,
    schema: SCHEMA,
    producer: countingProducer,
    logger,
    batchSize: RELAY_BATCH,
  });

  let handlerCalls = 0; // events handed to a handler
  let firstAppliedAt = 0n;
  const factOfEvent = (event: ConsumedEvent) =>
    factOf({ time: event.time, data: event.data as OrderPlacedV1 });
  const applyOrderPlaced: EventHandlerFn = async (event, { manager }) => {
    if (handlerCalls++ === 0) firstAppliedAt = process.hrtime.bigint();
    const fact = factOfEvent(event);
    await manager.query(
      `INSERT INTO ${SCHEMA}.order_facts (order_id, channel, total_minor, placed_at)
       VALUES ($1, $2, $3, $4) ${UPSERT_CONFLICT}`,
      [fact.orderId, fact.channel, fact.totalMinor, fact.placedAt],
    );
  };
  const applyOrdersPlaced: EventBatchHandlerFn = async (events, { manager }) => {
    if (handlerCalls === 0) firstAppliedAt = process.hrtime.bigint();
    handlerCalls += events.length;
    // The last event of an order wins: one statement may not upsert the same row twice.
    const facts = new Map(events.map((event) => [(event.data as OrderPlacedV1).orderId, factOfEvent(event)]));
    const rows = [...facts.values()];
    await manager.query(
      `INSERT INTO ${SCHEMA}.order_facts (order_id, channel, total_minor, placed_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[]) ${UPSERT_CONFLICT}`,
      [
        rows.map((r) => r.orderId),
        rows.map((r) => r.channel),
        rows.map((r) => r.totalMinor),
        rows.map((r) => r.placedAt),
      ],
    );
  };
  const parse: EventParser = (value) => parseCloudEventBytes(value) as ReturnType<EventParser>;
  const consumer = new BatchConsumer({
    kafka,
    groupId: groupOf(run),
    topics: [topic],
    handlers: new Map(mode === 'per-event' ? [[ORDER_PLACED_V1, applyOrderPlaced]] : []),
    batchHandlers: new Map(mode === 'batch' ? [[ORDER_PLACED_V1, applyOrdersPlaced]] : []),
    dataSource: db.dataSource,
    schema: SCHEMA,
    parse,
    deadLetters: new DeadLetterPublisher(producer, logger),
    logger,
  });

  // Offsets are committed only after the batch's transaction commits: their sum says how many are applied.
  const committed = new Map<number, number>();
  let doneAt = 0n;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
    for (const { topic: committedTopic, partitions } of payload.topics) {
      if (committedTopic !== topic) continue;
      for (const { partition, offset } of partitions) committed.set(partition, Number(offset));
    }
    let applied = 0;
    for (const offset of committed.values()) applied += offset;
    if (applied >= events.length && doneAt === 0n) {
      doneAt = process.hrtime.bigint();
      resolveDone();
    }
  });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  const startConsumer = async () => {
    await consumer.start();
    await joined;
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the first fetches go out idle
  };
  if (!staged) {
    await relay.start();
    await startConsumer();
  }

  const timeout = setTimeout(() => {
    console.error(`pipeline: gave up after 300 s; published ${published}, handler calls ${handlerCalls}`);
    process.exit(1);
  }, 300_000);
  const outbox = new Outbox(SCHEMA);
  const stages: Stage[] = [];
  const before = await meter.snapshot();
  const started = process.hrtime.bigint();
  for (let from = 0; from < events.length; from += BATCH) {
    const entries: OutboxEntry[] = events.slice(from, from + BATCH).map((event) => ({ topic, event }));
    await db.dataSource.transaction((manager) => outbox.add(manager, entries));
  }
  const writesDoneAt = process.hrtime.bigint();
  const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9;
  if (staged) {
    // Each stage's connections exist when its CPU is first read, except the relay's (counted from zero).
    stages.push({
      name: 'outbox writes',
      seconds: seconds(started, writesDoneAt),
      cpu: await meter.since(before),
    });
    const relayBefore = await meter.snapshot();
    await relay.start();
    await allPublished;
    const relayCpu = await meter.since(relayBefore);
    stages.push({
      name: 'relay drains the outbox',
      seconds: seconds(relayBefore.at, publishedAt),
      cpu: relayCpu,
    });
    await startConsumer();
    const consumerBefore = await meter.snapshot();
    await done;
    const consumerCpu = await meter.since(consumerBefore);
    stages.push({
      name: 'consumer drains the topic',
      seconds: seconds(firstAppliedAt, doneAt),
      cpu: consumerCpu,
    });
  }
  await done;
  clearTimeout(timeout);
  const cpu = await meter.since(before); // before the relay closes its connections

  await consumer.stop();
  await relay.stop();
  await producer.disconnect();
  return { started, writesDoneAt, publishedAt, firstAppliedAt, doneAt, handlerCalls, cpu, stages };
}

interface Baselines {
  produceRate: number;
  consumeRate: number;
  upsertRate: number;
}

function secondsBetween(from: bigint, to: bigint): number {
  return Number(to - from) / 1e9;
}

/** Prints a pipeline's figures and its ratios to the targets; returns its summary. */
function reportPipeline(how: string, times: PipelineTimes, cpu: CpuSplit, raw: Baselines): string {
  const endToEnd = secondsBetween(times.started, times.doneAt);
  const pipelineRate = rate(EVENTS, endToEnd);
  console.log(rateLine(`pipeline (${how}): outbox → relay → broker → consumer + inbox`, EVENTS, endToEnd));
  console.log(
    `  ${rateLine('outbox writes (transactions of 500)', EVENTS, secondsBetween(times.started, times.writesDoneAt))}; ` +
      `relay published the last event at ${secondsBetween(times.started, times.publishedAt).toFixed(2)} s, ` +
      `the consumer applied it at ${endToEnd.toFixed(2)} s`,
  );
  console.log(
    `  ${rateLine('consumer side (first applied to last applied)', EVENTS, secondsBetween(times.firstAppliedAt, times.doneAt))}`,
  );
  console.log(`  ${cpuLine(cpu)}; ${perEventLine(cpu)}`);
  const baseline = Math.min(raw.consumeRate, raw.upsertRate);
  const ofBaseline = pipelineRate / baseline;
  const ofTarget = pipelineRate / TARGETS.pipeline;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(
    `  pipeline / min(raw consume, raw upsert) = ${Math.round(pipelineRate)} / ${Math.round(baseline)} = ` +
      `${ofBaseline.toFixed(2)} (target ≥ ${TARGETS.ofBaseline}: ${verdict(ofBaseline >= TARGETS.ofBaseline)}); ` +
      `pipeline / ${TARGETS.pipeline} = ${ofTarget.toFixed(2)} (target ≥ 1: ${verdict(ofTarget >= 1)})`,
  );
  // The three raw steps one after the other, as the pipeline must do them (on the same two cores).
  const serial = 1 / (1 / raw.produceRate + 1 / raw.consumeRate + 1 / raw.upsertRate);
  console.log(
    `  other ratios: pipeline / raw produce ${(pipelineRate / raw.produceRate).toFixed(2)}, ` +
      `/ raw consume ${(pipelineRate / raw.consumeRate).toFixed(2)}, / raw upsert ${(pipelineRate / raw.upsertRate).toFixed(2)}, ` +
      `/ serial raw 1/(1/produce + 1/consume + 1/upsert) = ${Math.round(serial)}: ${(pipelineRate / serial).toFixed(2)}`,
  );
  return `${how}: ${Math.round(pipelineRate)} events/s (${ofBaseline.toFixed(2)} × baseline, ${ofTarget.toFixed(2)} × ${TARGETS.pipeline})`;
}

/** CPU microseconds per event of this process and of PostgreSQL. */
function perEventLine(cpu: CpuSplit): string {
  const us = (x: number | undefined) => (x === undefined ? 'n/a' : ((1e6 * x) / EVENTS).toFixed(0));
  const postgres =
    cpu.postgresBackends === undefined ? undefined : cpu.postgresBackends + (cpu.postgresBackground ?? 0);
  return `per event: bench ${us(cpu.bench)} µs, postgres ${us(postgres)} µs, broker ${us(cpu.broker)} µs CPU`;
}

function reportStages(how: string, stages: readonly Stage[]): void {
  console.log(`stages one after the other (${how}):`);
  for (const stage of stages) {
    console.log(`  ${rateLine(stage.name, EVENTS, stage.seconds)}; ${perEventLine(stage.cpu)}`);
    console.log(`    ${cpuLine(stage.cpu)}`);
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const run = Date.now().toString(36);
  const events = Array.from({ length: EVENTS }, (_, i) => orderPlaced(run, i));
  const facts = events.map(factOf);
  const dataDir = mkdtempSync(join(tmpdir(), 'opsline-messaging-bench-'));
  const [broker, db] = await Promise.all([
    spawnBroker(19092 + Math.floor(Math.random() * 1000), dataDir),
    createTestDatabase({
      name: 'messaging-bench',
      poolSize: 10, // a service's default
      migrate: {
        schema: SCHEMA,
        migrations: [createMessagingTablesMigration(SCHEMA), CreateOrderFacts1764000000100],
      },
    }),
  ]);
  const admin = new Client({ connectionString: db.server.adminUrl, application_name: 'bench-cpu-meter' });
  const logger = new CollectingLogger();
  try {
    await admin.connect();
    const meter = new CpuMeter(broker, admin, db.databaseName);
    const kafka = createKafkaClient({ brokers: [broker.address], clientId: 'messaging-bench', logger });
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics({
      topics: [RAW_TOPIC, ...RUNS.flatMap((run) => [pipelineTopic(run), `${pipelineTopic(run)}.dlq`])].map(
        (topic) => ({
          topic,
          numPartitions: PARTITIONS,
        }),
      ),
    });
    await kafkaAdmin.disconnect();
    const bytes = events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
    console.log(
      `messaging bench: ${EVENTS} × ${ORDER_PLACED_V1} (~${Math.round(bytes / EVENTS)} B, 3 lines), ` +
        `batches of ${BATCH}, acks=-1, ${PARTITIONS} partitions; broker in its own process, ` +
        `database ${db.databaseName} (${db.server.kind})`,
    );

    // 1. raw produce
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const batches: Message[][] = [];
    for (let from = 0; from < EVENTS; from += BATCH) batches.push(messagesOf(events, from));
    let before = await meter.snapshot();
    const produceStarted = process.hrtime.bigint();
    await rawProduce(producer, batches);
    const produceSeconds = Number(process.hrtime.bigint() - produceStarted) / 1e9;
    const produceCpu = await meter.since(before);
    await producer.disconnect();
    const produceRate = rate(EVENTS, produceSeconds);
    console.log(rateLine('raw produce (sendBatch of 500, one in flight)', EVENTS, produceSeconds));
    console.log(`  ${cpuLine(produceCpu)}`);

    // 2. raw consume
    before = await meter.snapshot();
    const consumed = await rawConsume(kafka);
    const consumeCpu = await meter.since(before);
    const consumeSeconds = Number(consumed.doneAt - consumed.firstBatchAt) / 1e9;
    const consumeRate = rate(EVENTS, consumeSeconds);
    console.log(rateLine('raw consume (eachBatch, no-op; first batch to last)', EVENTS, consumeSeconds));
    console.log(`  including group join: ${consumeCpu.seconds.toFixed(2)} s; ${cpuLine(consumeCpu)}`);

    // 3. raw upsert (connected before and closed after the measurement, so its backend is counted)
    const pg = new Client({ connectionString: db.url, application_name: 'bench-raw-upsert' });
    await pg.connect();
    before = await meter.snapshot();
    await rawUpsert(pg, facts);
    const upsertCpu = await meter.since(before);
    await pg.end();
    const upsertRate = rate(EVENTS, upsertCpu.seconds);
    console.log(rateLine('raw upsert (pg, 500 rows a statement)', EVENTS, upsertCpu.seconds, 'rows'));
    console.log(`  ${cpuLine(upsertCpu)}`);

    // 3b. @nestjs/microservices ServerKafka, one message and one upsert at a time (the alternative)
    const nest = await measureNestServerKafka({
      brokers: [broker.address],
      topic: RAW_TOPIC,
      databaseUrl: db.url,
      insertSql: `INSERT INTO ${SCHEMA}.order_facts (order_id, channel, total_minor, placed_at)
        VALUES ($1, $2, $3, $4) ${UPSERT_CONFLICT}`,
      toRow: (value) => factOf(value as BenchEvent),
      expected: EVENTS,
    });
    console.log(
      rateLine(
        'Nest ServerKafka @EventPattern, 1 upsert per event (no inbox, no DLQ)',
        nest.applied,
        nest.seconds,
      ),
    );

    // 4. pipelines
    const summary: string[] = [];
    for (const run of RUNS) {
      const { mode, staged } = run;
      await db.dataSource.query(`TRUNCATE ${SCHEMA}.order_facts`); // each pipeline inserts them afresh
      const { cpu, stages, ...times } = await pipeline(run, kafka, db, events, logger, meter);
      const how =
        mode === 'per-event' ? 'event handler, 1 upsert per event' : 'batch handler, 1 upsert per run';
      if (staged) reportStages(how, stages);
      else summary.push(reportPipeline(how, times, cpu, { produceRate, consumeRate, upsertRate }));

      // The figures only count if every event was applied exactly once and nothing was dead-lettered.
      const [{ facts: applied, inbox, pending }] = await db.dataSource.query<
        { facts: string; inbox: string; pending: string }[]
      >(
        `SELECT (SELECT count(*) FROM ${SCHEMA}.order_facts) AS facts,
                (SELECT count(*) FROM ${SCHEMA}.inbox WHERE consumer_group = $1) AS inbox,
                (SELECT count(*) FROM ${SCHEMA}.outbox WHERE published_at IS NULL) AS pending`,
        [groupOf(run)],
      );
      const problems = [
        Number(applied) !== EVENTS && `order_facts has ${applied} rows, expected ${EVENTS}`,
        Number(inbox) !== EVENTS && `inbox has ${inbox} rows, expected ${EVENTS}`,
        Number(pending) !== 0 && `${pending} outbox rows unpublished`,
        times.handlerCalls !== EVENTS && `handlers got ${times.handlerCalls} events, expected ${EVENTS}`,
        ...logger.warnings.splice(0).slice(0, 5),
      ].filter((p): p is string => typeof p === 'string');
      if (problems.length > 0) {
        console.error(`  check FAILED:\n    ${problems.join('\n    ')}`);
        process.exitCode = 1;
      } else {
        console.log(`  check: ${EVENTS} rows, ${EVENTS} inbox entries, outbox drained, no warnings`);
      }
    }
    console.log(`summary: ${summary.join('; ')}`);
  } finally {
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
