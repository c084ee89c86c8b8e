/**
 * The longer faults, run with FAULTS_ALL=1 (they do not fit CI's time budget on a 2-core machine,
 * mostly because a SIGKILLed consumer is only replaced after its 30 s session timeout): SIGKILL of
 * the other services (the kpi service five times in a row), SIGTERM of the other services, the
 * broker frozen past the session timeout, a full replay from offset 0, and the consumer group
 * scaled 1 → 2 → 1 under load.
 */
import { SERVICE_NAMES, ServiceName, sleep, waitUntil } from './harness/fault-system';
import { expectInputEqualsEffect, FaultRun, scenarioSlices } from './harness/fault-run';
import { killAndRestart, rewindAllGroups } from './harness/injectors';
import { expectGracefulStop } from './harness/graceful-stop';

jest.setTimeout(300_000);

const KPI_KILLS = 5;
const SESSION_TIMEOUT_MS = 30_000;
const enabled = process.env.FAULTS_ALL === '1';
const { opening, slices } = scenarioSlices(Number(process.env.FAULTS_ORDERS ?? 200), 9);

(enabled ? describe : describe.skip)('longer faults (FAULTS_ALL=1)', () => {
  let run: FaultRun;

  beforeAll(async () => {
    run = await FaultRun.start({ name: __filename }, { opening, slices });
  }, 420_000);

  afterAll(async () => {
    await run?.stop();
  });

  (['returns', 'inventory'] as const).forEach((service, i) =>
    it(`SIGKILL of the ${service} service mid-batch`, async () => {
      const comparison = await run.step({
        scenario: `SIGKILL ${service} mid-batch`,
        slice: i,
        inject: () => killAndRestart(run.system, service),
      });
      expectInputEqualsEffect(comparison);
    }),
  );

  it(`SIGKILL of the kpi service ${KPI_KILLS} times in a row`, async () => {
    const comparison = await run.step({
      scenario: `SIGKILL kpi ${KPI_KILLS}× in a row`,
      slice: 2,
      faultAfter: 0.1,
      // slow enough that the kills land while events are still arriving
      send: { ratePerSecond: 4, batchSize: 4 },
      inject: async () => {
        for (let kill = 0; kill < KPI_KILLS; kill++) await killAndRestart(run.system, 'kpi');
      },
    });
    expectInputEqualsEffect(comparison);
  });

  (['orders', 'returns', 'inventory'] as const).forEach((service: ServiceName, i) =>
    it(`SIGTERM of the ${service} service: drains, exits within 10 s, at most one batch to redeliver`, () =>
      expectGracefulStop(run, service, 3 + i)),
  );

  it('the broker frozen (SIGSTOP) past the session timeout, then SIGCONT', async () => {
    const comparison = await run.step({
      scenario: 'SIGSTOP broker 35 s, SIGCONT',
      slice: 6,
      inject: async () => {
        run.system.broker.signal('SIGSTOP');
        await sleep(SESSION_TIMEOUT_MS + 5000);
        run.system.broker.signal('SIGCONT');
      },
    });
    expectInputEqualsEffect(comparison);
  });

  it('a full replay from offset 0 changes nothing', async () => {
    const comparison = await run.step({
      scenario: 'full replay from offset 0',
      slice: 7,
      inject: async () => {
        await Promise.all(
          SERVICE_NAMES.map(async (service) => {
            run.system.process(service).signal('SIGTERM');
            await run.system.process(service).waitForExit(30_000);
          }),
        );
        const groups = await rewindAllGroups(run.system);
        await Promise.all(SERVICE_NAMES.map((service) => run.system.startService(service)));
        return `${groups.length} consumer groups rewound to offset 0`;
      },
    });
    expectInputEqualsEffect(comparison);
  });

  it('the kpi consumer group scaled 1 → 2 → 1 under load', async () => {
    let members = 0;
    const comparison = await run.step({
      scenario: 'kpi consumer group 1 → 2 → 1',
      slice: 8,
      faultAfter: 0.1,
      send: { ratePerSecond: 10, batchSize: 5 },
      inject: async () => {
        await run.system.startService('kpi', 'kpi-2');
        members = await waitUntil(
          'a kpi consumer group with two members',
          () =>
            run.system.withAdmin(async (admin) => {
              const { groups } = await admin.listGroups();
              const kpiGroups = groups.map((g) => g.groupId).filter((id) => id.startsWith('opsline-kpi'));
              const described = await admin.describeGroups(kpiGroups);
              const most = Math.max(0, ...described.groups.map((g) => g.members.length));
              return most >= 2 ? most : undefined;
            }),
          60_000,
          500,
        );
        const second = run.system.process('kpi-2');
        second.signal('SIGTERM');
        await second.waitForExit(30_000);
        return `${members} members at the peak`;
      },
    });
    expectInputEqualsEffect(comparison);
  });
});
