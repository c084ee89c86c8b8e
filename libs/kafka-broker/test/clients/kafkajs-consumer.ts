/**
 * A kafkajs group consumer in its own process, so a test can SIGKILL it. Prints one JSON line per
 * message ({ partition, offset, value }) and "ready" lines when it gets an assignment.
 * Usage: node -r ts-node/register/transpile-only kafkajs-consumer.ts <broker> <topic> <groupId>
 */
import { Kafka, logLevel } from 'kafkajs';

async function main(): Promise<void> {
  const [broker, topic, groupId] = process.argv.slice(2);
  const kafka = new Kafka({ brokers: [broker], clientId: 'child-consumer', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 3000,
    heartbeatInterval: 300,
    rebalanceTimeout: 6000,
    maxWaitTimeInMs: 250,
  });
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    process.stdout.write(`${JSON.stringify({ assigned: event.payload.memberAssignment[topic] ?? [] })}\n`);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommitInterval: 100,
    eachMessage: async ({ partition, message }) => {
      process.stdout.write(
        `${JSON.stringify({ partition, offset: message.offset, value: message.value?.toString() })}\n`,
      );
    },
  });
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
