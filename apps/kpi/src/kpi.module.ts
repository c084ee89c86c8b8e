import { DynamicModule, Module } from '@nestjs/common';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { ServiceKitModule } from '@opsline/service-kit';
import { GetKpisUseCase } from './application/get-kpis.use-case';
import { KpiChangeStreamUseCase } from './application/kpi-change-stream.use-case';
import { KpiLookupsUseCase } from './application/kpi-lookups.use-case';
import { RecordKpiFactsUseCase } from './application/record-kpi-facts.use-case';
import { ConsumerLagReader } from './infrastructure/consumer-lag.reader';
import { KpiFactHandlers } from './infrastructure/kpi-fact.handlers';
import { KpiFactRepository } from './infrastructure/kpi-fact.repository';
import { KpiLookupRepository } from './infrastructure/kpi-lookup.repository';
import { KpiQueryRepository } from './infrastructure/kpi-query.repository';
import { KPI_SCHEMA, KPI_TABLES, KpiTables } from './infrastructure/kpi-tables';
import { KpiStreamController } from './infrastructure/kpi-stream.controller';
import { KpisController } from './infrastructure/kpis.controller';
import { createKpiFactTablesMigration } from './infrastructure/migrations/1764000000400-create-kpi-facts';
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
          migrations: [createMessagingTablesMigration(KPI_SCHEMA), createKpiFactTablesMigration(KPI_SCHEMA)],
        }),
      ],
      providers: [
        { provide: KPI_TABLES, useValue: new KpiTables(KPI_SCHEMA) },
        KpiFactRepository,
        KpiQueryRepository,
        KpiLookupRepository,
        RecordKpiFactsUseCase,
        GetKpisUseCase,
        KpiLookupsUseCase,
        KpiChangeStreamUseCase,
        ConsumerLagReader,
        KpiFactHandlers,
      ],
      controllers: [KpisController, KpiStreamController],
    };
  }
}
