import { DynamicModule, Module } from '@nestjs/common';
import { INGEST_ORDERS_TOPIC, ORDER_CANCELLED_V1, ORDER_PLACED_V1 } from '@opsline/contracts';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { createIngestController, ServiceKitModule } from '@opsline/service-kit';
import { PlaceOrderUseCase } from './application/place-order.use-case';
import { CreateOrders1764000000100 } from './infrastructure/migrations/1764000000100-create-orders';
import { OrderIngestHandler } from './infrastructure/order-ingest.handler';
import { OrderEntity } from './infrastructure/order.entity';
import { OrdersController } from './infrastructure/orders.controller';
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
          entities: [OrderEntity],
          migrations: [createMessagingTablesMigration('orders'), CreateOrders1764000000100],
        }),
      ],
      providers: [PlaceOrderUseCase, OrderIngestHandler],
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
