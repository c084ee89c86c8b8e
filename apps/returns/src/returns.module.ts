import { DynamicModule, Module } from '@nestjs/common';
import { INGEST_RETURNS_TOPIC, RETURN_REQUESTED_V1 } from '@opsline/contracts';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { createIngestController, ServiceKitModule } from '@opsline/service-kit';
import { CloseReturnUseCase } from './application/close-return.use-case';
import { DecideReturnService } from './application/decide-return.service';
import { RecordOrderReplicaUseCase } from './application/record-order-replica.use-case';
import { RecordWarehouseFactUseCase } from './application/record-warehouse-fact.use-case';
import { RequestReturnUseCase } from './application/request-return.use-case';
import { RETURNS_SETTINGS, ReturnsSettings } from './application/returns-settings';
import { SweepParkedUseCase } from './application/sweep-parked.use-case';
import { CreateReturns1764000000500 } from './infrastructure/migrations/1764000000500-create-returns';
import { OrderReplicaHandler } from './infrastructure/order-replica.handler';
import { ParkedReturnsSweeper } from './infrastructure/parked-returns-sweeper';
import { ReturnRequestHandler } from './infrastructure/return-request.handler';
import { OrderReplicaEntity, ParkedWarehouseEventEntity, ReturnEntity } from './infrastructure/return.entity';
import { ReturnRepository } from './infrastructure/return.repository';
import { ReturnsController } from './infrastructure/returns.controller';
import { WarehouseReturnHandler } from './infrastructure/warehouse-return.handler';
import { ReturnsEnvironment, windowDaysByChannelOf } from './returns.environment';

/** Returns (RMA): requests, policy, receipt, inspection, refunds. */
@Module({})
export class ReturnsModule {
  static forRoot(environment: ReturnsEnvironment): DynamicModule {
    const settings: ReturnsSettings = {
      window: {
        defaultDays: environment.RETURNS_WINDOW_DAYS,
        daysByChannel: windowDaysByChannelOf(environment),
      },
      restockingFeePercent: environment.RETURNS_RESTOCKING_FEE_PERCENT,
      parkMaxWaitMs: environment.RETURNS_PARK_MAX_WAIT_MS,
    };
    return {
      module: ReturnsModule,
      imports: [
        ServiceKitModule.forRoot({
          serviceName: 'returns',
          environment,
          entities: [ReturnEntity, OrderReplicaEntity, ParkedWarehouseEventEntity],
          migrations: [createMessagingTablesMigration('returns'), CreateReturns1764000000500],
        }),
      ],
      providers: [
        { provide: RETURNS_SETTINGS, useValue: settings },
        ReturnRepository,
        RecordWarehouseFactUseCase,
        DecideReturnService,
        RequestReturnUseCase,
        RecordOrderReplicaUseCase,
        SweepParkedUseCase,
        CloseReturnUseCase,
        ReturnRequestHandler,
        OrderReplicaHandler,
        WarehouseReturnHandler,
        ParkedReturnsSweeper,
      ],
      controllers: [
        ReturnsController,
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
