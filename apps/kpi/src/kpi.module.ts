import { DynamicModule, Module } from '@nestjs/common';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { ServiceKitModule } from '@opsline/service-kit';
import { GetKpisUseCase } from './application/get-kpis.use-case';
import { KpiAsOfUseCase } from './application/kpi-as-of.use-case';
import { KpiChangeStreamUseCase } from './application/kpi-change-stream.use-case';
import { KpiLookupsUseCase } from './application/kpi-lookups.use-case';
import { ReconcileKpisUseCase } from './application/reconcile-kpis.use-case';
import {
  CHANGE_LOG_RETENTION_MS,
  ChangeLogRetentionSweep,
} from './infrastructure/change-log-retention.sweep';
import { ConsumerLagReader } from './infrastructure/consumer-lag.reader';
import { DashboardModule } from './infrastructure/dashboard/dashboard.module';
import { KpiLookupRepository } from './infrastructure/kpi-lookup.repository';
import { KpiQueryRepository } from './infrastructure/kpi-query.repository';
import { KPI_SCHEMA } from './infrastructure/kpi-tables';
import { KpiLineageController } from './infrastructure/kpi-lineage.controller';
import { KpiStreamController } from './infrastructure/kpi-stream.controller';
import { KpisController } from './infrastructure/kpis.controller';
import { createKpiFactTablesMigration } from './infrastructure/migrations/1764000000400-create-kpi-facts';
import { CreateReadModelVersions1764000000410 } from './infrastructure/migrations/1764000000410-create-read-model-versions';
import { CreateEventJournal1764000000420 } from './infrastructure/migrations/1764000000420-create-event-journal';
import { AdminReadModelsController } from './infrastructure/read-models/admin-read-models.controller';
import { KpiReadModelsRunner } from './infrastructure/read-models/kpi-read-models.runner';
import { CreateReconciliationResults1764000000430 } from './infrastructure/migrations/1764000000430-create-reconciliation-results';
import { KpiReconciliationController } from './infrastructure/reconciliation/kpi-reconciliation.controller';
import {
  KPI_RECONCILIATION_SETTINGS,
  KpiReconciliationRunner,
} from './infrastructure/reconciliation/kpi-reconciliation.runner';
import { ReconciliationRepository } from './infrastructure/reconciliation/reconciliation.repository';
import { TopicReplayReader } from './infrastructure/reconciliation/topic-replay.reader';
import {
  LiveKpiTables,
  ReadModelVersionsRepository,
  versionSchemasWithInbox,
} from './infrastructure/read-models/read-model-versions.repository';
import { KpiEnvironment } from './kpi.environment';
import type { Clock } from './domain/alerts/alert';
import { alertProviders } from './infrastructure/alerts/alert-providers';
import { AlertsController } from './infrastructure/alerts/alerts.controller';
import { CreateAlerts1764000000440 } from './infrastructure/migrations/1764000000440-create-alerts';
import { IndexOpenAlerts1764000000450 } from './infrastructure/migrations/1764000000450-index-open-alerts';
import { FreshnessPerPartition1764000000460 } from './infrastructure/migrations/1764000000460-freshness-per-partition';
import { FlagMisroutedShipments1764000000470 } from './infrastructure/migrations/1764000000470-flag-misrouted-shipments';
import { ProjectorPriority } from './infrastructure/projector-priority';
import { FactTablesFillfactor1764000000480 } from './infrastructure/migrations/1764000000480-fact-tables-fillfactor';
import { AlertFeedsFromJournal1764000000490 } from './infrastructure/migrations/1764000000490-alert-feeds-from-journal';

/**
 * The KPI aggregator: read models built from the event stream, and the KPI read API. Its consumers
 * are run by {@link KpiReadModelsRunner} (live version and rebuilds), not by the messaging module.
 */
@Module({})
export class KpiModule {
  /** `options.clock`: the alerts' "now" (tests pass their own; the wall clock otherwise). */
  static forRoot(environment: KpiEnvironment, options: { readonly clock?: Clock } = {}): DynamicModule {
    return {
      module: KpiModule,
      imports: [
        ServiceKitModule.forRoot({
          serviceName: 'kpi',
          environment,
          entities: [],
          moreInboxSchemas: versionSchemasWithInbox,
          migrations: [
            createMessagingTablesMigration(KPI_SCHEMA),
            createKpiFactTablesMigration(KPI_SCHEMA),
            CreateReadModelVersions1764000000410,
            CreateEventJournal1764000000420,
            CreateReconciliationResults1764000000430,
            CreateAlerts1764000000440,
            IndexOpenAlerts1764000000450,
            FreshnessPerPartition1764000000460,
            FlagMisroutedShipments1764000000470,
            FactTablesFillfactor1764000000480,
            AlertFeedsFromJournal1764000000490,
          ],
        }),
        DashboardModule,
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
        KpiAsOfUseCase,
        ConsumerLagReader,
        ReconciliationRepository,
        TopicReplayReader,
        ReconcileKpisUseCase,
        KpiReconciliationRunner,
        ...alertProviders(environment, options.clock),
        {
          provide: CHANGE_LOG_RETENTION_MS,
          useValue: environment.KPI_CHANGE_LOG_RETENTION_HOURS * 3_600_000,
        },
        // the projecting process keeps the log (it writes it); an API-only one only reads it
        ...(environment.KPI_ROLE === 'api' ? [] : [ChangeLogRetentionSweep]),
        { provide: ProjectorPriority, useFactory: () => new ProjectorPriority(environment) },
        {
          provide: KPI_RECONCILIATION_SETTINGS,
          useValue: {
            // scheduled runs belong to the projecting process; an API-only one runs them on demand
            intervalMs: environment.KPI_ROLE === 'api' ? 0 : environment.KPI_RECONCILIATION_INTERVAL_MS,
            replayTimeoutMs: environment.KPI_RECONCILIATION_TIMEOUT_MS,
          },
        },
      ],
      controllers: [
        KpisController,
        KpiLineageController,
        KpiStreamController,
        AdminReadModelsController,
        KpiReconciliationController,
        AlertsController,
      ],
    };
  }
}
