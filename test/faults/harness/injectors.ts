import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { ScenarioEvent } from '../../../apps/kpi/test/oracle/scenario';
import { FaultSystem, ServiceName, sleep } from './fault-system';
import { ROOT } from './managed-process';

const run = promisify(execFile);

/** SIGKILL a service and start it again (a crash and its supervisor's restart). */
export async function killAndRestart(
  system: FaultSystem,
  service: ServiceName,
  instance = service as string,
): Promise<void> {
  await system.process(instance).kill();
  await system.startService(service, instance);
}

/**
 * Kills the orders service while its outbox holds committed rows the relay has not published: the
 * process is frozen (SIGSTOP), the outbox looked at, and the process killed if such rows are there —
 * otherwise it goes on (SIGCONT) and the next try comes a moment later. Returns how many committed
 * but unpublished rows the dead process left.
 */
export async function killBetweenCommitAndPublish(system: FaultSystem, maxTries = 300): Promise<number> {
  const orders = system.process('orders');
  return system.withDatabase(async (client) => {
    for (let attempt = 0; attempt < maxTries; attempt++) {
      orders.signal('SIGSTOP');
      // a statement sent just before the freeze still runs to its end (the relay's mark-published
      // among them), so the outbox is looked at once none of the frozen process's statements runs
      await untilIdle(client, 'orders');
      const { rows } = await client.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM orders.outbox WHERE published_at IS NULL`,
      );
      if (rows[0].pending > 0) {
        await orders.kill();
        // what the dead process left: committed, never marked published
        const after = await client.query<{ pending: number }>(
          `SELECT count(*)::int AS pending FROM orders.outbox WHERE published_at IS NULL`,
        );
        return after.rows[0].pending;
      }
      orders.signal('SIGCONT');
      await sleep(20);
    }
    throw new Error(`the orders outbox never held unpublished rows in ${maxTries} looks`);
  });
}

async function untilIdle(client: Client, applicationName: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ running: number }>(
      `SELECT count(*)::int AS running FROM pg_stat_activity
       WHERE application_name = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
      [applicationName],
    );
    if (rows[0].running === 0) return;
    await sleep(5);
  }
}

/**
 * Terminates every other connection to the database (pg_terminate_backend) `rounds` times, `everyMs`
 * apart; returns how many of the terminated sessions were inside a transaction or a statement.
 */
export async function terminateBackends(
  system: FaultSystem,
  rounds: number,
  everyMs: number,
): Promise<number> {
  return system.withDatabase(async (client) => {
    let midTransaction = 0;
    for (let round = 0; round < rounds; round++) {
      const { rows } = await client.query<{ busy: boolean }>(
        `SELECT state IN ('active', 'idle in transaction', 'idle in transaction (aborted)') AS busy,
                pg_terminate_backend(pid)
         FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
      );
      midTransaction += rows.filter((row) => row.busy).length;
      await sleep(everyMs);
    }
    return midTransaction;
  });
}

/**
 * An order whose only event is its placement (no shipment, cancellation or return refers to it), so
 * a failure to apply it affects nothing else.
 */
export function loneOrderPlacement(
  all: readonly ScenarioEvent[],
  within: readonly ScenarioEvent[],
): ScenarioEvent {
  const mentions = new Map<string, number>();
  for (const { event } of all) {
    const orderId = (event.data as { orderId?: string }).orderId;
    if (orderId !== undefined) mentions.set(orderId, (mentions.get(orderId) ?? 0) + 1);
  }
  const found = within.find(
    ({ event }) =>
      event.type === 'opsline.order.placed.v1' &&
      mentions.get((event.data as { orderId: string }).orderId) === 1,
  );
  if (found === undefined) throw new Error('no order in this slice has only its placement');
  return found;
}

/** A real fault outside the service: the database refuses to store one order (until the trigger is dropped). */
export async function breakOrderStorage(system: FaultSystem, orderId: string): Promise<void> {
  await system.withDatabase(async (client) => {
    await client.query(`CREATE OR REPLACE FUNCTION public.opsline_fault_refuse_order() RETURNS trigger
      LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'fault injection: order % refused', NEW.order_id; END $$`);
    await client.query(`CREATE TRIGGER opsline_fault_refuse_order BEFORE INSERT OR UPDATE ON orders.orders
      FOR EACH ROW WHEN (NEW.order_id = '${orderId.replace(/'/g, "''")}')
      EXECUTE FUNCTION public.opsline_fault_refuse_order()`);
  });
}

/** "The fix": drops the trigger installed by {@link breakOrderStorage}. */
export async function repairOrderStorage(system: FaultSystem): Promise<void> {
  await system.withDatabase(async (client) => {
    await client.query(`DROP TRIGGER IF EXISTS opsline_fault_refuse_order ON orders.orders`);
  });
}

/** Runs the real DLQ command line (`npm run dlq -- …`) against the system's broker; returns its output. */
export async function dlqCli(system: FaultSystem, ...args: string[]): Promise<string> {
  const { stdout } = await run('npm', ['run', '--silent', 'dlq', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, KAFKA_BROKERS: system.brokerAddress },
    timeout: 60_000,
  });
  return stdout;
}

/** Resets every consumer group of the system to offset 0 on every topic it has committed (services stopped). */
export async function rewindAllGroups(system: FaultSystem): Promise<string[]> {
  return system.withAdmin(async (admin) => {
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups) {
      for (const { topic } of await admin.fetchOffsets({ groupId })) {
        await admin.resetOffsets({ groupId, topic, earliest: true });
      }
    }
    return groups.map((group) => group.groupId);
  });
}
