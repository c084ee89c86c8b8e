/**
 * npm run bench:broker — kafkajs against the broker running in its own process:
 *   1. produce 200k × 512-byte messages, sendBatch of 500, acks=-1, 3 partitions;
 *   2. a consumer group reads them with eachBatch;
 *   3. produce→consume latency at a fixed offered rate of 5k msgs/s.
 * Prints throughput, latency percentiles, the CPU split between client and broker, and each
 * figure's ratio to the target.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Message } from 'kafkajs';
import { BrokerProcess, spawnBroker } from './broker-process';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200_000);
const MESSAGE_BYTES = 512;
const BATCH = 500;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 4);
const LATENCY_RATE = 5_000;
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
const TARGETS = { produce: 50_000, consume: 80_000, p99Ms: 20 };

interface Phase {
  seconds: number;
  clientCpu: number;
  brokerCpu: number;
}

async function measure(broker: BrokerProcess, work: () => Promise<void>): Promise<Phase> {
  const brokerBefore = broker.cpuSeconds();
  const clientBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(clientBefore);
  return {
    seconds,
    clientCpu: (client.user + client.system) / 1e6,
    brokerCpu: broker.cpuSeconds() - brokerBefore,
  };
}

function cpuLine(phase: Phase): string {
  const total = phase.clientCpu + phase.brokerCpu;
  const share = (x: number) => `${((100 * x) / phase.seconds).toFixed(0)}% of a core`;
  return (
    `CPU: client ${phase.clientCpu.toFixed(2)} s (${share(phase.clientCpu)}), ` +
    `broker ${phase.brokerCpu.toFixed(2)} s (${share(phase.brokerCpu)}), ` +
    `broker/client ${(phase.brokerCpu / phase.clientCpu).toFixed(2)}, broker share ${((100 * phase.brokerCpu) / total).toFixed(0)}%`
  );
}

function rateLine(label: string, count: number, phase: Phase, target: number): string {
  const rate = count / phase.seconds;
  const mb = (count * MESSAGE_BYTES) / phase.seconds / 1024 / 1024;
  return `${label}: ${count} msgs in ${phase.seconds.toFixed(2)} s = ${Math.round(rate)} msgs/s, ${mb.toFixed(1)} MB/s (target ${target} msgs/s, ratio ${(rate / target).toFixed(2)})`;
}

function batchOf(start: number, payload: Buffer): Message[] {
  return Array.from({ length: BATCH }, (_, i) => ({ key: `key-${start + i}`, value: payload }));
}

async function produceAll(kafka: Kafka, topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const payload = Buffer.alloc(MESSAGE_BYTES, 'x');
  let next = 0;
  const worker = async () => {
    while (next < MESSAGES) {
      const start = next;
      next += BATCH;
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: batchOf(start, payload) }] });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await producer.disconnect();
}

async function consumeAll(
  kafka: Kafka,
  topic: string,
): Promise<{ count: number; firstBatchAt: bigint; doneAt: bigint }> {
  const consumer = kafka.consumer({
    groupId: `bench-${Date.now()}`,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  let firstBatchAt = 0n;
  const done = new Promise<bigint>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (firstBatchAt === 0n) firstBatchAt = process.hrtime.bigint();
        count += batch.messages.length;
        if (count >= MESSAGES) resolve(process.hrtime.bigint());
      },
    });
  });
  const doneAt = await done;
  await consumer.disconnect();
  return { count, firstBatchAt, doneAt };
}

function percentile(sorted: number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (rank - low);
}

async function measureLatency(kafka: Kafka, topic: string): Promise<number[]> {
  const consumer = kafka.consumer({ groupId: `latency-${Date.now()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const latencies: number[] = [];
  let assigned = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (assigned = true));
  void consumer.run({
    eachBatch: async ({ batch }) => {
      const now = performance.now() + performance.timeOrigin;
      for (const message of batch.messages)
        latencies.push(now - Number(message.value?.subarray(0, 20).toString()));
    },
  });
  while (!assigned) await new Promise((resolve) => setTimeout(resolve, 20));
  await new Promise((resolve) => setTimeout(resolve, 500));

  const producer = kafka.producer();
  await producer.connect();
  const perTick = LATENCY_RATE / 100;
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const filler = Buffer.alloc(MESSAGE_BYTES - 20, 'y');
  const started = performance.now();
  for (let sent = 0; sent < total; sent += perTick) {
    // Offered load is paced by the clock, not by acknowledgements: tick i goes out at i × 10 ms.
    const due = started + (sent / perTick) * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const messages = Array.from({ length: perTick }, (_, i) => {
      const stamp = (performance.now() + performance.timeOrigin).toFixed(3).padStart(20, '0');
      return { key: `lat-${sent + i}`, value: Buffer.concat([Buffer.from(stamp), filler]) };
    });
    void producer.send({ topic, acks: -1, messages });
  }
  const deadline = Date.now() + 10_000;
  while (latencies.length < total && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  await producer.disconnect();
  await consumer.disconnect();
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opsline-bench-'));
  const broker = await spawnBroker(19092 + Math.floor(Math.random() * 1000), dataDir);
  const kafka = new Kafka({ brokers: [broker.address], clientId: 'bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'bench', numPartitions: 3 },
      { topic: 'latency', numPartitions: 3 },
    ],
  });
  await admin.disconnect();

  console.log(
    `broker bench: ${MESSAGES} × ${MESSAGE_BYTES} B, sendBatch of ${BATCH}, ${IN_FLIGHT} in flight, acks=-1, 3 partitions`,
  );
  const produce = await measure(broker, () => produceAll(kafka, 'bench'));
  console.log(rateLine('produce', MESSAGES, produce, TARGETS.produce));
  console.log(`  ${cpuLine(produce)}`);

  let consumed = { count: 0, firstBatchAt: 0n, doneAt: 0n };
  const consume = await measure(broker, async () => {
    consumed = await consumeAll(kafka, 'bench');
  });
  const readSeconds = Number(consumed.doneAt - consumed.firstBatchAt) / 1e9;
  console.log(
    rateLine(
      'consume (first batch to last)',
      consumed.count,
      { ...consume, seconds: readSeconds },
      TARGETS.consume,
    ),
  );
  console.log(`  including group join: ${consume.seconds.toFixed(2)} s; ${cpuLine(consume)}`);

  const latencies = await measureLatency(kafka, 'latency');
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(
    `latency at ${LATENCY_RATE} msgs/s for ${LATENCY_SECONDS} s (${latencies.length} msgs): ` +
      `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${latencies[latencies.length - 1].toFixed(2)} ms ` +
      `(target p99 ≤ ${TARGETS.p99Ms} ms, ratio ${(p99 / TARGETS.p99Ms).toFixed(2)})`,
  );
  await broker.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
