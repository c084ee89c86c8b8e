import { DynamicModule, Module } from '@nestjs/common';
import { INGEST_RETURNS_TOPIC, RETURN_REQUESTED_V1 } from '@opsline/contracts';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { createIngestController, ServiceKitModule } from '@opsline/service-kit';
import { ReturnsEnvironment } from './returns.environment';

/** Returns (RMA): requests, policy, receipt, inspection, refunds. */
@Module({})
export class ReturnsModule {
  static forRoot(environment: ReturnsEnvironment): DynamicModule {
    return {
      module: ReturnsModule,
      imports: [
        ServiceKitModule.forRoot({
          serviceName: 'returns',
          environment,
          entities: [],
          migrations: [createMessagingTablesMigration('returns')],
        }),
      ],
      controllers: [
        createIngestController({
          path: 'returns',
          topic: INGEST_RETURNS_TOPIC,
          scope: 'returns:write',
          acceptedTypes: [RETURN_REQUESTED_V1],
          warehouseScoped: false,
        }),
      ],
    };
  }
}
