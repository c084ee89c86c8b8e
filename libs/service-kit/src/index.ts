export { ServiceKitModule } from './service-kit.module';
export type { ServiceKitOptions } from './service-kit.module';
export { createIngestController, IngestAccepted } from './ingest/ingest-controller.factory';
export type { IngestTwinSpec } from './ingest/ingest-controller.factory';
export { validateIngestRequest } from './ingest/ingest-request';
export type { IngestEvents, IngestedEvent } from './ingest/ingest-request';
export { runService } from './run-service';
export { DatabaseServiceEnvironment } from './database-service-environment';
export { PeriodicSweep } from './periodic-sweep';
