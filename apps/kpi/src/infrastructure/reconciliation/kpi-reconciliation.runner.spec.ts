import { PlatformMetrics } from '@opsline/platform';
import { Registry } from 'prom-client';
import type {
  KpiReconciliationResult,
  ReconcileKpisUseCase,
  ReconcileOptions,
} from '../../application/reconcile-kpis.use-case';
import { KpiReconciliationRunner } from './kpi-reconciliation.runner';
import type { ReconciliationRepository } from './reconciliation.repository';

function resultOf(options: ReconcileOptions, driftCount: number): KpiReconciliationResult {
  return {
    status: driftCount === 0 ? 'ok' : 'drift',
    trigger: options.trigger,
    startedAt: '2026-11-25T10:00:00.000Z',
    checkedAt: '2026-11-25T10:00:02.000Z',
    durationMs: 2000,
    readModel: { schema: 'kpi', consumerGroup: 'opsline-kpi' },
    replayedUpTo: {},
    messagesRead: 0,
    eventsApplied: 0,
    invalidMessages: 0,
    range: null,
    bucketsCompared: 0,
    driftCount,
    drift: [],
    positions: { compared: 0, driftCount: 0, drift: [] },
    reason: null,
  };
}

/** A runner over fakes: `reconcile` resolves when the test says so; saved results are kept in memory. */
function runnerWith(intervalMs: number, saved: KpiReconciliationResult[] = []) {
  const registry = new Registry();
  const pending: ((drift: number) => void)[] = [];
  const calls: ReconcileOptions[] = [];
  const useCase = {
    reconcile: (options: ReconcileOptions) => {
      calls.push(options);
      return new Promise<KpiReconciliationResult>((resolve) =>
        pending.push((drift) => resolve(resultOf(options, drift))),
      );
    },
  } as unknown as ReconcileKpisUseCase;
  const repository = {
    save: async (_status: string, result: KpiReconciliationResult) => void saved.push(result),
    latest: async () => saved.at(-1) ?? null,
  } as unknown as ReconciliationRepository;
  const runner = new KpiReconciliationRunner(useCase, repository, new PlatformMetrics(registry), {
    intervalMs,
    replayTimeoutMs: 1000,
  });
  const gauge = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values[0]?.value;
  return { runner, pending, calls, saved, gauge };
}

const until = async (condition: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('KpiReconciliationRunner', () => {
  it('runs on its schedule, keeps the result and shows its drift in the gauge', async () => {
    const { runner, pending, calls, saved, gauge } = runnerWith(20);
    await runner.onApplicationBootstrap();
    expect(await runner.view()).toEqual({ status: 'never-run' });
    await until(() => pending.length === 1);
    expect(calls[0].trigger).toBe('scheduled');
    expect(await runner.view()).toMatchObject({ status: 'running', trigger: 'scheduled', previous: null });
    pending[0](3);
    await until(() => saved.length === 1);
    expect(saved[0]).toMatchObject({ status: 'drift', driftCount: 3 });
    expect(await gauge('opsline_kpi_reconciliation_drift')).toBe(3);
    // the next scheduled run: GET shows it running, with the result before it
    await until(() => pending.length === 2);
    expect(await runner.view()).toMatchObject({
      status: 'running',
      previous: { status: 'drift', driftCount: 3 },
    });
    pending[1](0);
    await runner.beforeApplicationShutdown();
    expect(await gauge('opsline_kpi_reconciliation_drift')).toBe(0);
  });

  it('runs one at a time: a request during a run joins it', async () => {
    const { runner, pending, calls } = runnerWith(0);
    await runner.onApplicationBootstrap();
    const first = runner.start('on-demand');
    expect(runner.start('on-demand')).toEqual(first);
    expect(calls).toHaveLength(1);
    pending[0](0);
    await runner.beforeApplicationShutdown();
  });

  it('never runs by itself with an interval of 0, and restores the gauges from the saved result at start', async () => {
    const saved = [resultOf({ trigger: 'on-demand', replayTimeoutMs: 1, stopped: () => false }, 7)];
    const { runner, calls, gauge } = runnerWith(0, saved);
    await runner.onApplicationBootstrap();
    expect(await gauge('opsline_kpi_reconciliation_drift')).toBe(7);
    expect(await gauge('opsline_kpi_reconciliation_last_run_timestamp_seconds')).toBe(
      Date.parse('2026-11-25T10:00:02.000Z') / 1000,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toHaveLength(0);
    await runner.beforeApplicationShutdown();
  });
});
