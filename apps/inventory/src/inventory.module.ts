import { DynamicModule, Module } from '@nestjs/common';
import { INGEST_TOPIC_EVENT_TYPES, INGEST_WAREHOUSE_TOPIC } from '@opsline/contracts';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { createIngestController, ServiceKitModule } from '@opsline/service-kit';
import { InventoryEnvironment } from './inventory.environment';

/** Every WMS event type: they all arrive on the warehouse ingest topic. */
const WAREHOUSE_EVENT_TYPES = INGEST_TOPIC_EVENT_TYPES[INGEST_WAREHOUSE_TOPIC];

/** Stock positions per warehouse and SKU, allocation, and the WMS integration. */
@Module({})
export class InventoryModule {
  static forRoot(environment: InventoryEnvironment): DynamicModule {
    return {
      module: InventoryModule,
      imports: [
        ServiceKitModule.forRoot({
          serviceName: 'inventory',
          environment,
          entities: [],
          migrations: [createMessagingTablesMigration('inventory')],
        }),
      ],
      controllers: [
        createIngestController({
          path: 'warehouse',
          topic: INGEST_WAREHOUSE_TOPIC,
          scope: 'warehouse:write',
          acceptedTypes: [...WAREHOUSE_EVENT_TYPES],
          warehouseScoped: true,
        }),
      ],
    };
  }
}
