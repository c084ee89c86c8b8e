import { DynamicModule, Module } from '@nestjs/common';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { ServiceKitModule } from '@opsline/service-kit';
import { RecordOrderPlacedHandler } from './application/record-order-placed.handler';
import { CreateOrderFacts1764000000400 } from './infrastructure/migrations/1764000000400-create-order-facts';
import { KpiEnvironment } from './kpi.environment';

/** The KPI aggregator: read models built from the event stream, and the KPI read API. */
@Module({})
export class KpiModule {
  static forRoot(environment: KpiEnvironment): DynamicModule {
    return {
      module: KpiModule,
      imports: [
        ServiceKitModule.forRoot({
          serviceName: 'kpi',
          environment,
          entities: [],
          migrations: [createMessagingTablesMigration('kpi'), CreateOrderFacts1764000000400],
        }),
      ],
      providers: [RecordOrderPlacedHandler],
    };
  }
}
