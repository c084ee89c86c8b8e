import { Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, MigratedTestDatabase } from '@opsline/persistence/testing';
import { BrokerFixture, startTestBroker, waitFor } from '../../kafka-broker/test/broker-fixture';
import { createMessagingTablesMigration } from '../src/messaging-tables';

export const TEST_SCHEMA = 'msgtest';

/** A table the test handlers write to, so an event's effect (and its count) can be seen. */
class CreateAppliedEvents1764000000001 implements MigrationInterface {
  name = 'CreateAppliedEvents1764000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ${TEST_SCHEMA}.applied_events (
      event_id text NOT NULL,
      subject text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${TEST_SCHEMA}.applied_events`);
  }
}

export const TEST_MIGRATIONS = [
  createMessagingTablesMigration(TEST_SCHEMA),
  CreateAppliedEvents1764000000001,
];

/** A broker and a migrated test database, with a client and a producer on the broker. */
export interface MessagingStack {
  readonly broker: BrokerFixture;
  readonly db: MigratedTestDatabase;
  readonly kafka: Kafka;
  readonly producer: Producer;
  stop(): Promise<void>;
}

export async function startMessagingStack(name: string): Promise<MessagingStack> {
  const [broker, db] = await Promise.all([
    startTestBroker(),
    createTestDatabase({ name, migrate: { schema: TEST_SCHEMA, migrations: TEST_MIGRATIONS } }),
  ]);
  const kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'messaging-spec',
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ maxInFlightRequests: 1 });
  await producer.connect();
  return {
    broker,
    db,
    kafka,
    producer,
    async stop() {
      await producer.disconnect();
      await db.drop();
      await broker.stop();
    },
  };
}

export function orderPlaced(orderId: string, suffix = orderId): Record<string, unknown> {
  const event = exampleEvent('opsline.order.placed.v1');
  return { ...event, id: `evt-${suffix}`, subject: orderId, data: { ...event.data, orderId } };
}

/** Reads every record of a topic from the beginning until `count` have arrived. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
): Promise<{ partition: number; message: KafkaMessage }[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  const seen: { partition: number; message: KafkaMessage }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => void seen.push({ partition, message }),
  });
  await waitFor(`${count} records on ${topic}`, () => (seen.length >= count ? true : undefined));
  await consumer.disconnect();
  return seen;
}

/**
 * A messaging stack started before the calling file's tests and stopped after them. Its
 * properties are read when a test runs (the stack does not exist yet when the file is loaded).
 */
export function useMessagingStack(name: string): MessagingStack {
  let stack: MessagingStack | undefined;
  beforeAll(async () => {
    stack = await startMessagingStack(name);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  const started = (): MessagingStack => {
    if (stack === undefined) throw new Error('the messaging stack starts in beforeAll');
    return stack;
  };
  return {
    get broker() {
      return started().broker;
    },
    get db() {
      return started().db;
    },
    get kafka() {
      return started().kafka;
    },
    get producer() {
      return started().producer;
    },
    stop: () => started().stop(),
  };
}
