/**
 * The comparison the foundation issue asks for before choosing a consumer: @nestjs/microservices'
 * built-in ServerKafka with an @EventPattern handler that upserts one row per event, on the same
 * broker, topic and database as the other stages. ServerKafka takes one message at a time (eachMessage)
 * and has no inbox, batching or dead letters.
 */
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { Pool } from 'pg';

export interface NestServerKafkaResult {
  readonly seconds: number;
  readonly applied: number;
}

interface FactRow {
  readonly orderId: string;
  readonly channel: string;
  readonly totalMinor: number;
  readonly placedAt: string;
}

/** Events are counted as they are applied; `done` resolves when all arrived. */
class AppliedCounter {
  applied = 0;
  firstAt = 0n;
  lastAt = 0n;
  private resolveDone: () => void = () => undefined;
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly expected: number) {}

  count(): void {
    if (this.applied === 0) this.firstAt = process.hrtime.bigint();
    this.applied++;
    if (this.applied === this.expected) {
      this.lastAt = process.hrtime.bigint();
      this.resolveDone();
    }
  }
}

export async function measureNestServerKafka(options: {
  brokers: string[];
  topic: string;
  databaseUrl: string;
  insertSql: string;
  toRow: (value: unknown) => FactRow;
  expected: number;
}): Promise<NestServerKafkaResult> {
  const pool = new Pool({
    connectionString: options.databaseUrl,
    max: 4,
    application_name: 'bench-nest-server-kafka',
  });
  const counter = new AppliedCounter(options.expected);

  @Controller()
  class OrderFactsController {
    @EventPattern(options.topic)
    async onOrderPlaced(@Payload() value: unknown): Promise<void> {
      const row = options.toRow(value);
      await pool.query(options.insertSql, [row.orderId, row.channel, row.totalMinor, row.placedAt]);
      counter.count();
    }
  }

  @Module({ controllers: [OrderFactsController] })
  class BenchModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BenchModule, {
    logger: false,
    transport: Transport.KAFKA,
    options: {
      client: { brokers: options.brokers, clientId: 'bench-nest-server-kafka' },
      consumer: { groupId: `bench-nest-${Date.now()}`, maxWaitTimeInMs: 100 },
      subscribe: { fromBeginning: true },
      run: { autoCommit: true },
    },
  });
  await app.listen();
  await counter.done;
  await app.close();
  await pool.end();
  return { seconds: Number(counter.lastAt - counter.firstAt) / 1e9, applied: counter.applied };
}
