import { DatabaseServiceEnvironment } from '@opsline/service-kit';
import { IsIn } from 'class-validator';

export const KPI_ROLES = ['all', 'projector', 'api'] as const;
export type KpiRole = (typeof KPI_ROLES)[number];

/** The kpi service's environment: the platform's variables, on port 3004 by default. */
export class KpiEnvironment extends DatabaseServiceEnvironment {
  override PORT = 3004;

  /**
   * `all` (default) consumes the topics and serves the API; `projector` is the same, for the one
   * process that keeps the read models when API replicas run beside it; `api` serves the API (and
   * registers rebuilds for the projector to run) without consuming, so projection work never delays
   * an answer. Run one projector (or `all`) per deployment.
   */
  @IsIn(KPI_ROLES)
  KPI_ROLE: KpiRole = 'all';
}
