import { setTimeout as delay } from 'node:timers/promises';
import { DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  ConsumedEvent,
  createMessagingTablesMigration,
  HandlerContext,
  OnEvent,
  Outbox,
} from '@opsline/messaging';
import { DatabaseServiceEnvironment, ServiceKitModule } from '../src';

/** The test service runs as `orders`, so its schema (outbox, inbox, applied table) is `orders`. */
export const SERVICE_SCHEMA = 'orders';
/** Where the handler's outbox entries go. */
export const CONFIRMATIONS_TOPIC = 'shutdown-spec.order-confirmations';

/** The effect of each applied event, so that its count can be checked. */
class CreateAppliedOrders1764000000900 implements MigrationInterface {
  name = 'CreateAppliedOrders1764000000900';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ${SERVICE_SCHEMA}.applied_orders (
      event_id text NOT NULL,
      order_id text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${SERVICE_SCHEMA}.applied_orders`);
  }
}

/** What the test sees of the handler: the events it started on, and how long each one takes. */
export interface HandlerProbe {
  readonly started: string[];
  readonly workMs: number;
}

const HANDLER_PROBE = Symbol('HANDLER_PROBE');

/** Applies each order after `workMs` of "work", writing a row and an outbox entry in the batch's transaction. */
@Injectable()
class SlowOrderHandler {
  constructor(
    private readonly outbox: Outbox,
    @Inject(HANDLER_PROBE) private readonly probe: HandlerProbe,
  ) {}

  @OnEvent('opsline.order.placed.v1')
  async apply(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    this.probe.started.push(event.id);
    await delay(this.probe.workMs);
    await manager.query(`INSERT INTO ${SERVICE_SCHEMA}.applied_orders (event_id, order_id) VALUES ($1, $2)`, [
      event.id,
      event.subject,
    ]);
    await this.outbox.add(manager, [
      {
        topic: CONFIRMATIONS_TOPIC,
        event: { id: `confirmed-${event.id}`, type: 'test.order.confirmed.v1', subject: event.subject },
      },
    ]);
  }
}

/** A minimal service: the service kit and one slow @OnEvent handler. */
@Module({})
export class SlowOrderServiceModule {
  static forRoot(environment: DatabaseServiceEnvironment, probe: HandlerProbe): DynamicModule {
    return {
      module: SlowOrderServiceModule,
      imports: [
        ServiceKitModule.forRoot({
          serviceName: SERVICE_SCHEMA,
          environment,
          entities: [],
          migrations: [createMessagingTablesMigration(SERVICE_SCHEMA), CreateAppliedOrders1764000000900],
        }),
      ],
      providers: [{ provide: HANDLER_PROBE, useValue: probe }, SlowOrderHandler],
    };
  }
}
