import { IsIntInRange } from '@opsline/platform';
import { DatabaseServiceEnvironment } from '@opsline/service-kit';
import { Type } from 'class-transformer';
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

  /**
   * With `KPI_ROLE=projector`, the process lowers its CPU priority to this nice value (0–19, default
   * 10), so read-API replicas on the same machine answer before projection work, which catches up in
   * their idle time. No effect in other roles, nor across containers (each has its own CPU share);
   * 0 keeps the normal priority.
   */
  @Type(() => Number)
  @IsIntInRange(0, 19)
  KPI_PROJECTOR_NICE = 10;

  /** At most this many journal events are replayed for one as-of or lineage answer; more is a 422 (default 100,000). */
  @Type(() => Number)
  @IsIntInRange(1, 10_000_000)
  KPI_AS_OF_MAX_EVENTS = 100_000;

  /** Scheduled reconciliation of the read models against the topics, this far apart; 0 disables (default 1 h). */
  @Type(() => Number)
  @IsIntInRange(0, 7 * 24 * 3_600_000)
  KPI_RECONCILIATION_INTERVAL_MS = 3_600_000;

  /** A reconciliation whose replay of the topics takes longer is reported inconclusive (default 10 min). */
  @Type(() => Number)
  @IsIntInRange(1_000, 24 * 3_600_000)
  KPI_RECONCILIATION_TIMEOUT_MS = 600_000;

  /**
   * How long `GET /kpis/stream` can be resumed from (`Last-Event-ID`): older entries of the change
   * log are pruned, oldest first, by the projecting process (default 168 h = 7 days).
   */
  @Type(() => Number)
  @IsIntInRange(1, 24 * 365)
  KPI_CHANGE_LOG_RETENTION_HOURS = 168;

  /** An unshipped order raises `order-at-risk` this many hours before its promisedShipBy (default 4). */
  @Type(() => Number)
  @IsIntInRange(1, 24 * 30)
  ALERT_ORDER_AT_RISK_HOURS = 4;

  /** An authorized return not inspected or closed this many hours after its request raises `return-ageing` (default 72). */
  @Type(() => Number)
  @IsIntInRange(1, 24 * 365)
  ALERT_RETURN_AGEING_HOURS = 72;

  /** A warehouse not heard from on opsline.ingest.warehouse for longer raises `warehouse-feed-silent` (default 60). */
  @Type(() => Number)
  @IsIntInRange(1, 7 * 24 * 60)
  ALERT_WAREHOUSE_SILENCE_MINUTES = 60;

  /** How often the alerts are evaluated (at most 30 s apart whatever this says; default 30 s). */
  @Type(() => Number)
  @IsIntInRange(100, 3_600_000)
  ALERT_EVALUATION_INTERVAL_MS = 30_000;
}
