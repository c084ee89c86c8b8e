import { DynamicModule, Module } from '@nestjs/common';
import { INGEST_ORDERS_TOPIC, ORDER_CANCELLED_V1, ORDER_PLACED_V1 } from '@opsline/contracts';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { createIngestController, ServiceKitModule } from '@opsline/service-kit';
import { CancelOrderUseCase } from './application/cancel-order.use-case';
import { PlaceOrderUseCase } from './application/place-order.use-case';
import { RecordOrderFactUseCase } from './application/record-order-fact.use-case';
import { SweepParkedEventsUseCase } from './application/sweep-parked-events.use-case';
import { CreateOrders1764000000100 } from './infrastructure/migrations/1764000000100-create-orders';
import { AddOrderLifecycle1764000000101 } from './infrastructure/migrations/1764000000101-add-order-lifecycle';
import { OrderFulfilmentHandler } from './infrastructure/order-fulfilment.handler';
import { OrderIngestHandler } from './infrastructure/order-ingest.handler';
import { OrderEntity, ParkedEventEntity } from './infrastructure/order.entity';
import { OrderRepository } from './infrastructure/order.repository';
import { OrdersController } from './infrastructure/orders.controller';
import { PARK_MAX_WAIT_MS, ParkedEventSweeper } from './infrastructure/parked-event-sweeper';
import { OrdersEnvironment } from './orders.environment';

/** Order ingestion and the order lifecycle (issue: orders & inventory). */
@Module({})
export class OrdersModule {
  static forRoot(environment: OrdersEnvironment): DynamicModule {
    return {
      module: OrdersModule,
      imports: [
        ServiceKitModule.forRoot({
          serviceName: 'orders',
          environment,
          entities: [OrderEntity, ParkedEventEntity],
          migrations: [
            createMessagingTablesMigration('orders'),
            CreateOrders1764000000100,
            AddOrderLifecycle1764000000101,
          ],
        }),
      ],
      providers: [
        { provide: PARK_MAX_WAIT_MS, useValue: environment.ORDERS_PARK_MAX_WAIT_MS },
        OrderRepository,
        RecordOrderFactUseCase,
        PlaceOrderUseCase,
        CancelOrderUseCase,
        SweepParkedEventsUseCase,
        OrderIngestHandler,
        OrderFulfilmentHandler,
        ParkedEventSweeper,
      ],
      controllers: [
        OrdersController,
        createIngestController({
          path: 'orders',
          topic: INGEST_ORDERS_TOPIC,
          scope: 'orders:write',
          acceptedTypes: [ORDER_PLACED_V1, ORDER_CANCELLED_V1],
          warehouseScoped: false,
        }),
      ],
    };
  }
}
