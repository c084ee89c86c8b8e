/**
 * The faults CI runs (`npm run test:faults`), all on one system whose PostgreSQL server the test owns:
 * a service killed mid-batch, a graceful stop, duplicated delivery, a poison message and a handler
 * that keeps failing (dead letters, then the DLQ replay), a kill between commit and publish, killed
 * database connections, a database restart and a broker crash. One slice of the scenario streams
 * through each; after each fault every KPI must equal the oracle over everything acknowledged.
 */
import { ScenarioEvent } from '../../apps/kpi/test/oracle/scenario';
import { sleep } from './harness/fault-system';
import { expectInputEqualsEffect, FaultRun, scenarioSlices } from './harness/fault-run';
import {
  breakOrderStorage,
  dlqCli,
  killAndRestart,
  killBetweenCommitAndPublish,
  loneOrderPlacement,
  repairOrderStorage,
  terminateBackends,
} from './harness/injectors';
import { expectGracefulStop } from './harness/graceful-stop';

jest.setTimeout(300_000);

const DLQ_SLICE = 3;
const { all, opening, slices } = scenarioSlices(Number(process.env.FAULTS_ORDERS ?? 200), 8);
// the order the database will refuse: one with no other event, moved to the middle of its step's slice
// (arrival order across aggregates changes no KPI, see scenario.ts)
const victim = loneOrderPlacement(all, slices.slice(1).flat());
for (const slice of slices) if (slice.includes(victim)) slice.splice(slice.indexOf(victim), 1);
slices[DLQ_SLICE].splice(Math.floor(slices[DLQ_SLICE].length / 2), 0, victim);

let run: FaultRun;

beforeAll(async () => {
  run = await FaultRun.start({ name: __filename, database: 'embedded' }, { opening, slices });
}, 420_000);

afterAll(async () => {
  await run?.stop();
});

describe('after each fault, every KPI equals the oracle over every acknowledged event', () => {
  it('SIGKILL of the orders service mid-batch', async () => {
    const comparison = await run.step({
      scenario: 'SIGKILL orders mid-batch',
      slice: 0,
      inject: () => killAndRestart(run.system, 'orders'),
    });
    expectInputEqualsEffect(comparison);
  });

  it('SIGTERM of the kpi service: drains, exits within 10 s, at most one batch to redeliver', () =>
    expectGracefulStop(run, 'kpi', 1));

  it('every event delivered twice', async () => {
    const comparison = await run.step({
      scenario: 'every event delivered twice',
      slice: 2,
      send: { twice: true },
      inject: async () => 'each produce request sent a second time once acknowledged',
    });
    expectInputEqualsEffect(comparison);
  });

  it('a poison message and a handler that always fails are dead-lettered; the DLQ replay re-drives the fixed one once', async () => {
    const orderId = (victim.event.data as { orderId: string }).orderId;
    const withoutVictim = (): ScenarioEvent[] =>
      run.driver.acknowledged.filter((item) => item.event.id !== victim.event.id);
    await breakOrderStorage(run.system, orderId);
    // while broken: the partition keeps moving, everything but the victim is applied
    const broken = await run.step({
      scenario: 'poison message + failing handler',
      slice: DLQ_SLICE,
      faultAfter: 0.2,
      inject: async () => {
        await run.driver.sendRaw('opsline.ingest.orders', orderId, '{"this is": not json');
        return `order ${orderId} refused by a database trigger; a non-JSON record on opsline.ingest.orders`;
      },
      expectedEvents: withoutVictim,
    });
    expectInputEqualsEffect(broken);
    const listed = await dlqCli(run.system, 'list', 'opsline.ingest.orders');
    const failed = listed
      .split('\n')
      .filter((line) => line.includes('handler-failed') && line.includes(victim.event.id));
    const invalid = listed.split('\n').filter((line) => line.includes('invalid-event'));
    expect({ failed: failed.length, invalid: invalid.length }).toEqual({ failed: 1, invalid: 1 });

    await repairOrderStorage(run.system);
    const fixedAt = Date.now();
    const position = failed[0].split(/\s+/)[0];
    const replayed = await dlqCli(run.system, 'replay', 'opsline.ingest.orders', position);
    expect(replayed).toContain('replayed 1 dead letter(s)');
    const after = await run.check(
      'DLQ replay after the fix',
      fixedAt,
      run.driver.acknowledged,
      `replayed ${position}`,
    );
    expectInputEqualsEffect(after);
  });

  it('the orders service killed between database commit and publish (outbox)', async () => {
    let left = 0;
    const comparison = await run.step({
      scenario: 'SIGKILL orders between commit and publish',
      slice: 4,
      // a burst, so the outbox has rows waiting for the relay
      send: { ratePerSecond: 400, batchSize: 40 },
      faultAfter: 0.2,
      inject: async () => {
        left = await killBetweenCommitAndPublish(run.system);
        await run.system.startService('orders');
        return `${left} committed outbox row(s) unpublished at the kill`;
      },
    });
    const unpublished = await run.system.withDatabase(async (client) => {
      const { rows } = await client.query<{ n: number; duplicates: number }>(
        `SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS n,
                (count(*) - count(DISTINCT event_id))::int AS duplicates FROM orders.outbox`,
      );
      return rows[0];
    });
    expect(left).toBeGreaterThan(0);
    expect(unpublished).toEqual({ n: 0, duplicates: 0 });
    expectInputEqualsEffect(comparison);
  });

  it('PostgreSQL connections killed mid-transaction (pg_terminate_backend)', async () => {
    const comparison = await run.step({
      scenario: 'pg_terminate_backend of every connection',
      slice: 5,
      inject: async () => {
        const busy = await terminateBackends(run.system, 6, 400);
        return `${busy} session(s) terminated inside a statement or transaction`;
      },
    });
    expectInputEqualsEffect(comparison);
  });

  it('PostgreSQL server restart', async () => {
    const comparison = await run.step({
      scenario: 'PostgreSQL restart',
      slice: 6,
      inject: async () => {
        await run.system.restartDatabase(3000);
      },
    });
    expectInputEqualsEffect(comparison);
  });

  it('SIGKILL of the broker and restart', async () => {
    const comparison = await run.step({
      scenario: 'SIGKILL broker + restart',
      slice: 7,
      inject: async () => {
        await run.system.broker.kill();
        await sleep(2000);
        await run.system.restartBroker();
      },
    });
    expectInputEqualsEffect(comparison);
  });
});
