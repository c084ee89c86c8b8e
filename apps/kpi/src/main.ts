import { runService } from '@opsline/service-kit';
import { KpiEnvironment } from './kpi.environment';
import { KpiModule } from './kpi.module';

void runService('kpi', KpiEnvironment, (environment) => KpiModule.forRoot(environment));
