import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { waitFor } from '../../kafka-broker/test/broker-fixture';
import { silentMessagingLogger } from '../src/messaging-logger';
import { Outbox } from '../src/outbox/outbox';
import { OutboxRelay } from '../src/outbox/outbox-relay';
import { orderPlaced, readTopic, TEST_SCHEMA, useMessagingStack } from './messaging-fixture';

jest.setTimeout(60_000);

const stack = useMessagingStack(__filename);

/** A relay of the test schema's outbox, publishing with the shared producer. */
async function startRelay(idleCheckIntervalMs?: number): Promise<OutboxRelay> {
  const relay = new OutboxRelay({
    databaseUrl: stack.db.url,
    schema: TEST_SCHEMA,
    producer: stack.producer,
    logger: silentMessagingLogger,
    idleCheckIntervalMs,
  });
  await relay.start();
  return relay;
}

describe('transactional outbox', () => {
  it('publishes committed events in commit order keyed by aggregate, woken by the commit, and nothing of a rolled-back transaction', async () => {
    const topic = 'outbox-order';
    // No polling to speak of: only the NOTIFY at commit can wake the relay within the test's deadline.
    const relay = await startRelay(60_000);
    const outbox = new Outbox(TEST_SCHEMA);
    await stack.db.dataSource.transaction((manager) =>
      outbox.add(
        manager,
        [1, 2, 3].map((i) => ({ topic, event: orderPlaced('ORD-A', `a${i}`) as never })),
      ),
    );
    await expect(
      stack.db.dataSource.transaction(async (manager) => {
        await outbox.add(manager, [{ topic, event: orderPlaced('ORD-ROLLED-BACK') as never }]);
        throw new Error('use case failed after writing its events');
      }),
    ).rejects.toThrow('use case failed');
    await stack.db.dataSource.transaction((manager) =>
      outbox.add(
        manager,
        [4, 5].map((i) => ({ topic, event: orderPlaced('ORD-A', `a${i}`) as never })),
      ),
    );

    const records = await readTopic(stack.kafka, topic, 5);
    await relay.stop();
    expect(records.map((r) => r.message.key?.toString())).toEqual([
      'ORD-A',
      'ORD-A',
      'ORD-A',
      'ORD-A',
      'ORD-A',
    ]);
    expect(records.map((r) => JSON.parse(String(r.message.value)).id)).toEqual([
      'evt-a1',
      'evt-a2',
      'evt-a3',
      'evt-a4',
      'evt-a5',
    ]);
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);
    expect(String(records[0].message.headers?.['content-type'])).toBe('application/cloudevents+json');
    expect(records.map((r) => String(r.message.headers?.ce_type))).toEqual(
      records.map((r) => (JSON.parse(String(r.message.value)) as { type: string }).type),
    );
    const pending: { n: string }[] = await stack.db.dataSource.query(
      `SELECT count(*) AS n FROM ${TEST_SCHEMA}.outbox WHERE published_at IS NULL`,
    );
    expect(Number(pending[0].n)).toBe(0);
  });

  it('keeps publishing after its database sessions are ended again and again, however the ends fall', async () => {
    const topic = 'outbox-terminated';
    const relay = await startRelay(50);
    // Ends land while the relay takes its lock, publishes or waits: a session that fails between the
    // pool handing it out and its first query must not keep its place in the relay's pool of two.
    for (let round = 0; round < 40; round++) {
      await stack.db.dataSource.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name LIKE $1 AND pid <> pg_backend_pid()`,
        [`${TEST_SCHEMA}-outbox-%`],
      );
      await new Promise((resolve) => setTimeout(resolve, (round % 7) * 15));
    }
    const outbox = new Outbox(TEST_SCHEMA);
    await stack.db.dataSource.transaction((manager) =>
      outbox.add(manager, [{ topic, event: orderPlaced('ORD-T', 't1') as never }]),
    );
    const records = await readTopic(stack.kafka, topic, 1);
    await relay.stop();
    expect(records.map((r) => JSON.parse(String(r.message.value)).id)).toEqual(['evt-t1']);
  });

  it('publishes events committed by a process killed before it could publish them, once the relay runs', async () => {
    const topic = 'outbox-crash';
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, 'commit-then-hang.ts'),
        stack.db.url,
        topic,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await waitFor('the child to commit', () =>
      child.stdout?.read()?.toString().includes('committed') ? true : undefined,
    );
    child.kill('SIGKILL');
    await once(child, 'exit');

    const relay = await startRelay();
    const records = await readTopic(stack.kafka, topic, 3);
    await relay.stop();
    expect(records.map((r) => JSON.parse(String(r.message.value)).id).sort()).toEqual([
      'crash-1',
      'crash-2',
      'crash-3',
    ]);
  });
});
