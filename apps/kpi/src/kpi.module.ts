import { DynamicModule, Module } from '@nestjs/common';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { ServiceKitModule } from '@opsline/service-kit';
import { GetKpisUseCase } from './application/get-kpis.use-case';
import { KpiChangeStreamUseCase } from './application/kpi-change-stream.use-case';
import { KpiLookupsUseCase } from './application/kpi-lookups.use-case';
import { ConsumerLagReader } from './infrastructure/consumer-lag.reader';
import { KpiLookupRepository } from './infrastructure/kpi-lookup.repository';
import { KpiQueryRepository } from './infrastructure/kpi-query.repository';
import { KPI_SCHEMA } from './infrastructure/kpi-tables';
import { KpiStreamController } from './infrastructure/kpi-stream.controller';
import { KpisController } from './infrastructure/kpis.controller';
import { createKpiFactTablesMigration } from './infrastructure/migrations/1764000000400-create-kpi-facts';
import { CreateReadModelVersions1764000000410 } from './infrastructure/migrations/1764000000410-create-read-model-versions';
import { AdminReadModelsController } from './infrastructure/read-models/admin-read-models.controller';
import { KpiReadModelsRunner } from './infrastructure/read-models/kpi-read-models.runner';
import {
  LiveKpiTables,
  ReadModelVersionsRepository,
} from './infrastructure/read-models/read-model-versions.repository';
import { KpiEnvironment } from './kpi.environment';

/**
 * The KPI aggregator: read models built from the event stream, and the KPI read API. Its consumers
 * are run by {@link KpiReadModelsRunner} (live version and rebuilds), not by the messaging module.
 */
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
          migrations: [
            createMessagingTablesMigration(KPI_SCHEMA),
            createKpiFactTablesMigration(KPI_SCHEMA),
            CreateReadModelVersions1764000000410,
          ],
        }),
      ],
      providers: [
        ReadModelVersionsRepository,
        LiveKpiTables,
        KpiReadModelsRunner,
        KpiQueryRepository,
        KpiLookupRepository,
        GetKpisUseCase,
        KpiLookupsUseCase,
        KpiChangeStreamUseCase,
        ConsumerLagReader,
      ],
      controllers: [KpisController, KpiStreamController, AdminReadModelsController],
    };
  }
}
