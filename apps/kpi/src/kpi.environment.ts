import { DatabaseServiceEnvironment } from '@opsline/service-kit';

/** The kpi service's environment: the platform's variables, on port 3004 by default. */
export class KpiEnvironment extends DatabaseServiceEnvironment {
  override PORT = 3004;
}
