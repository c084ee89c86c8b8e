import { expectInputEqualsEffect, FaultRun } from './fault-run';
import { ServiceName } from './fault-system';
import { redeliveryGaps } from './redelivery';

const SIGTERM_DEADLINE_MS = 10_000;

/**
 * One step with a SIGTERM of `service` while `slice` streams: the service must drain and exit with
 * code 0 within 10 s leaving at most one batch to redeliver, it is started again, and every KPI must
 * equal the oracle.
 */
export async function expectGracefulStop(run: FaultRun, service: ServiceName, slice: number): Promise<void> {
  let exitMs = Infinity;
  let exitCode: number | null = null;
  let gaps: Awaited<ReturnType<typeof redeliveryGaps>> = [];
  const comparison = await run.step({
    scenario: `SIGTERM ${service}`,
    slice,
    inject: async () => {
      const process = run.system.process(service);
      const sentAt = Date.now();
      process.signal('SIGTERM');
      const exit = await process.waitForExit(30_000);
      exitMs = exit.at - sentAt;
      exitCode = exit.code;
      gaps = await redeliveryGaps(run.system, service);
      await run.system.startService(service);
      const redelivered = gaps.reduce((sum, gap) => sum + gap.events, 0);
      return `exit code ${exitCode} after ${(exitMs / 1000).toFixed(1)} s; ${redelivered} event(s) in ${gaps.length} batch(es) left to redeliver`;
    },
    verify: () => [
      ...(exitCode === 0 ? [] : [`exit code ${exitCode}`]),
      ...(exitMs < SIGTERM_DEADLINE_MS ? [] : [`exit took ${exitMs} ms`]),
      ...(gaps.length <= 1 ? [] : [`${gaps.length} batches left to redeliver`]),
    ],
  });
  expectInputEqualsEffect(comparison);
  expect({
    exitCode,
    exitInTime: exitMs < SIGTERM_DEADLINE_MS,
    batchesToRedeliver: gaps.length <= 1,
  }).toEqual({
    exitCode: 0,
    exitInTime: true,
    batchesToRedeliver: true,
  });
}
