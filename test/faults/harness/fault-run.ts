import { generateScenario, ScenarioEvent } from '../../../apps/kpi/test/oracle/scenario';
import { FaultSystem, FaultSystemOptions } from './fault-system';
import { Comparison, waitForKpis } from './kpi-comparer';
import { LoadDriver, SendOptions } from './load-driver';
import { recordResult } from './results';

export const SEED = 20_261_125;
const DEFAULT_RATE = 60;
const CONVERGE_TIMEOUT_MS = 90_000;

/** The scenario split into its opening stock and the rest, the rest cut into `steps` slices in business-time order. */
export function scenarioSlices(
  orderCount: number,
  steps: number,
): { all: ScenarioEvent[]; opening: ScenarioEvent[]; slices: ScenarioEvent[][] } {
  const events = generateScenario(SEED, orderCount);
  const isOpening = (item: ScenarioEvent) => item.event.type === 'opsline.wms.goods-received.v1';
  const opening = events.filter(isOpening);
  const rest = events.filter((item) => !isOpening(item));
  const size = Math.ceil(rest.length / steps);
  const slices = Array.from({ length: steps }, (_, i) => rest.slice(i * size, (i + 1) * size));
  return { all: events, opening, slices };
}

/** What one fault step does: the slice it streams, and the fault injected mid-stream. */
export interface FaultStep {
  /** The row's name in the summary table. */
  readonly scenario: string;
  /** The slice of the scenario streamed during this step (slices skipped by failed steps are sent first). */
  readonly slice: number;
  /** Injects the fault (and restarts what it broke); starts when `faultAfter` of the slice is acknowledged. */
  readonly inject: (run: FaultRun) => Promise<string | void>;
  /** Fraction of the slice acknowledged before the fault (default 0.3). */
  readonly faultAfter?: number;
  readonly send?: Partial<SendOptions>;
  /** Checks of the fault's own promise (exit time, redeliveries…): the problems found, if any. */
  readonly verify?: () => string[];
  /** The events the KPIs must reflect; default everything acknowledged so far. */
  readonly expectedEvents?: () => readonly ScenarioEvent[];
}

/**
 * One running system, a load driver on it, and the steps run on it. Each step streams its slice,
 * injects its fault, waits until the KPIs agree with the oracle over every event acknowledged
 * since the start (or the wait ends), and records a row of the summary table.
 */
export class FaultRun {
  /** Set when a step could not deliver its whole slice: the steps after it would compare against a gap. */
  private incomplete: string | null = null;
  private nextSlice = 0;

  private constructor(
    readonly system: FaultSystem,
    readonly driver: LoadDriver,
    private readonly slices: readonly (readonly ScenarioEvent[])[],
  ) {}

  static async start(
    options: FaultSystemOptions,
    scenario: { opening: readonly ScenarioEvent[]; slices: readonly (readonly ScenarioEvent[])[] },
  ): Promise<FaultRun> {
    const system = await FaultSystem.start(options);
    const run = new FaultRun(system, new LoadDriver(system), scenario.slices);
    // Opening stock first and applied before any order: which lines are reserved at their first
    // attempt depends on it (see scenario.ts), so it is not part of any fault.
    await run.driver.send(scenario.opening, { ratePerSecond: 1000, batchSize: 50 });
    await system.waitForGroupCaughtUp('opsline-inventory', 'opsline.ingest.warehouse', CONVERGE_TIMEOUT_MS);
    const baseline = await waitForKpis(run.kpiPort, run.driver.acknowledged, CONVERGE_TIMEOUT_MS);
    if (baseline.differences.length > 0)
      throw new Error(`no baseline: ${baseline.differences.slice(0, 5).join('\n')}`);
    return run;
  }

  get kpiPort(): number {
    return this.system.port('kpi');
  }

  /** Runs one step and returns its comparison; the caller asserts on it. */
  async step(step: FaultStep): Promise<Comparison> {
    if (this.incomplete !== null)
      throw new Error(`not run: an earlier step left the stream incomplete (${this.incomplete})`);
    if (step.slice < this.nextSlice) throw new Error(`slice ${step.slice} was streamed already`);
    // a step that failed before streaming its slice leaves a gap later slices depend on (returns
    // of orders never placed): those slices go out first, without a fault
    for (; this.nextSlice < step.slice; this.nextSlice++)
      await this.driver.send(this.slices[this.nextSlice], { ratePerSecond: 400, batchSize: 40 });
    this.nextSlice = step.slice + 1;
    const events = this.slices[step.slice];
    const before = this.driver.uniqueAcknowledged;
    const sending = this.driver.send(events, { ratePerSecond: DEFAULT_RATE, ...step.send });
    // a failed send is reported after the fault, not as an unhandled rejection during it
    sending.catch(() => undefined);
    let note: string | void = undefined;
    let failure: Error | null = null;
    const faultAt = Date.now();
    try {
      await this.driver.waitForAcknowledged(before + Math.ceil(events.length * (step.faultAfter ?? 0.3)));
      note = await step.inject(this);
    } catch (error) {
      failure = error as Error;
    }
    // the whole slice is sent before the next step, or later steps would build on a gap
    await sending.catch((error: Error) => {
      this.incomplete = `${step.scenario}: ${error.message}`;
      failure ??= error;
    });
    if (failure !== null) throw new Error(`${step.scenario}: ${failure.message}\n${this.system.lastLines()}`);
    const problems = step.verify?.() ?? [];
    return this.check(
      step.scenario,
      faultAt,
      step.expectedEvents?.() ?? this.driver.acknowledged,
      note,
      problems,
    );
  }

  /** Waits for the KPIs to agree with `events`, records the row, and returns the comparison. */
  async check(
    scenario: string,
    faultAt: number,
    events: readonly ScenarioEvent[],
    note?: string | void,
    problems: readonly string[] = [],
  ): Promise<Comparison> {
    const comparison = await waitForKpis(this.kpiPort, events, CONVERGE_TIMEOUT_MS);
    const passed = comparison.differences.length === 0 && problems.length === 0;
    if (!passed) {
      const state = await this.system.consumerState().catch((error: Error) => error.message);
      console.error(
        `${scenario} failed:\n${[...comparison.differences.slice(0, 10), ...problems].join('\n')}\n` +
          `${state}\n${this.system.lastLines()}`,
      );
    }
    recordResult({
      scenario,
      eventsIn: comparison.eventsIn,
      effectsOut: comparison.effectsOut,
      effectsExpected: comparison.effectsExpected,
      lost: comparison.lost,
      doubleCounted: comparison.doubleCounted,
      recoverySeconds: (Date.now() - faultAt) / 1000,
      metricDifferences: comparison.differences.length,
      passed,
      note: [note, ...problems].filter(Boolean).join('; ') || undefined,
    });
    return comparison;
  }

  async stop(): Promise<void> {
    await this.driver.close();
    await this.system.stop();
  }
}

/** The assertion every step makes: input = effect. */
export function expectInputEqualsEffect(comparison: Comparison): void {
  expect({
    lost: comparison.lost,
    doubleCounted: comparison.doubleCounted,
    differences: comparison.differences.slice(0, 20),
  }).toEqual({ lost: 0, doubleCounted: 0, differences: [] });
}
