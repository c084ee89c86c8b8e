import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { PlatformMetrics } from '@opsline/platform';
import { Gauge, Registry } from 'prom-client';
import {
  inconclusive,
  KpiReconciliationResult,
  ReconcileKpisUseCase,
  ReconciliationTrigger,
} from '../../application/reconcile-kpis.use-case';
import { ReconciliationRepository } from './reconciliation.repository';

/** Injection token of {@link ReconciliationSettings}. */
export const KPI_RECONCILIATION_SETTINGS = Symbol('KPI_RECONCILIATION_SETTINGS');

export interface ReconciliationSettings {
  /** Scheduled runs this far apart (the first one interval after start); 0: on demand only. */
  readonly intervalMs: number;
  /** A replay of the topics that takes longer is given up (`inconclusive`). */
  readonly replayTimeoutMs: number;
}

/** A run in progress (`previous`: the latest finished result, while the next one runs). */
export interface RunningReconciliation {
  readonly status: 'running';
  readonly trigger: ReconciliationTrigger;
  readonly startedAt: string;
  readonly previous?: KpiReconciliationResult | null;
}

/** What `GET /kpis/reconciliation` serves. */
export type ReconciliationView =
  KpiReconciliationResult | RunningReconciliation | { readonly status: 'never-run' };

function gauge(registry: Registry, name: string, help: string): Gauge {
  // a second app in one process (tests) may share the registry
  const existing = registry.getSingleMetric(name);
  return (existing as Gauge | undefined) ?? new Gauge({ name, help, registers: [registry] });
}

/**
 * Runs the reconciliation on a schedule and on demand, one run at a time, keeps the latest result
 * (in `kpi.reconciliation_results`, so it outlives a restart) and exposes it as gauges.
 */
@Injectable()
export class KpiReconciliationRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KpiReconciliation');
  private readonly drift: Gauge;
  private readonly positionDrift: Gauge;
  private readonly inconclusive: Gauge;
  private readonly lastRun: Gauge;
  private timer: NodeJS.Timeout | null = null;
  private running: {
    trigger: ReconciliationTrigger;
    startedAt: string;
    done: Promise<KpiReconciliationResult>;
  } | null = null;
  private stopping = false;

  constructor(
    private readonly reconcile: ReconcileKpisUseCase,
    private readonly results: ReconciliationRepository,
    metrics: PlatformMetrics,
    @Inject(KPI_RECONCILIATION_SETTINGS) private readonly settings: ReconciliationSettings,
  ) {
    const { registry } = metrics;
    this.drift = gauge(
      registry,
      'opsline_kpi_reconciliation_drift',
      'Metric x day-bucket cells whose read-model value differs from the topics, at the last conclusive reconciliation',
    );
    this.positionDrift = gauge(
      registry,
      'opsline_kpi_reconciliation_position_drift',
      'Inventory position fields of the read model that differ from the replayed inventory events, at the last conclusive reconciliation',
    );
    this.inconclusive = gauge(
      registry,
      'opsline_kpi_reconciliation_inconclusive',
      '1 when the last reconciliation could not compare (see GET /kpis/reconciliation reason)',
    );
    this.lastRun = gauge(
      registry,
      'opsline_kpi_reconciliation_last_run_timestamp_seconds',
      'When the last reconciliation finished (Unix time)',
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const latest = await this.results.latest<KpiReconciliationResult>();
    if (latest !== null) this.publish(latest);
    if (this.settings.intervalMs > 0) {
      this.timer = setInterval(() => void this.start('scheduled'), this.settings.intervalMs);
      this.timer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    await this.running?.done.catch(() => undefined);
  }

  /** Starts a run unless one is running (then that one is reported); resolves when it has started. */
  start(trigger: ReconciliationTrigger): RunningReconciliation {
    if (this.running === null) {
      const startedAt = new Date().toISOString();
      const done = this.run(trigger, startedAt).finally(() => {
        this.running = null;
      });
      this.running = { trigger, startedAt, done };
    }
    return { status: 'running', trigger: this.running.trigger, startedAt: this.running.startedAt };
  }

  async view(): Promise<ReconciliationView> {
    const running = this.running;
    const latest = await this.results.latest<KpiReconciliationResult>();
    if (running !== null)
      return { status: 'running', trigger: running.trigger, startedAt: running.startedAt, previous: latest };
    return latest ?? { status: 'never-run' };
  }

  private async run(trigger: ReconciliationTrigger, startedAt: string): Promise<KpiReconciliationResult> {
    const result = await this.reconcile
      .reconcile({
        trigger,
        replayTimeoutMs: this.settings.replayTimeoutMs,
        stopped: () => this.stopping,
      })
      .catch((error: Error) => failed(trigger, startedAt, error));
    await this.results
      .save(result.status, result)
      .catch((error: Error) =>
        this.logger.error({ msg: 'saving the reconciliation result failed', error: error.message }),
      );
    this.publish(result);
    const log = {
      msg: 'reconciliation',
      status: result.status,
      drift: result.driftCount,
      reason: result.reason,
    };
    if (result.status === 'ok') this.logger.log(log);
    else
      this.logger.warn({ ...log, positionDrift: result.positions.driftCount, firstDrift: result.drift[0] });
    return result;
  }

  private publish(result: KpiReconciliationResult): void {
    this.lastRun.set(Date.parse(result.checkedAt) / 1000);
    this.inconclusive.set(result.status === 'inconclusive' ? 1 : 0);
    if (result.status === 'inconclusive') return;
    this.drift.set(result.driftCount);
    this.positionDrift.set(result.positions.driftCount);
  }
}

function failed(trigger: ReconciliationTrigger, startedAt: string, error: Error): KpiReconciliationResult {
  const checkedAt = new Date().toISOString();
  return {
    ...inconclusive({ trigger, startedAt }, `reconciliation failed: ${error.message}`),
    checkedAt,
    durationMs: Date.parse(checkedAt) - Date.parse(startedAt),
    readModel: null,
    replayedUpTo: {},
  };
}
