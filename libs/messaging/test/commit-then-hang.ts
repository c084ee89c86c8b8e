/**
 * Child process for the outbox crash test: commits three events to the outbox, says "committed",
 * and then waits to be killed without ever publishing them (no relay runs here).
 */
import { DataSource } from 'typeorm';
import { Outbox } from '../src/outbox/outbox';
import { TEST_SCHEMA } from './messaging-fixture';

async function main(): Promise<void> {
  const [url, topic] = process.argv.slice(2);
  const dataSource = new DataSource({ type: 'postgres', url });
  await dataSource.initialize();
  const outbox = new Outbox(TEST_SCHEMA);
  await dataSource.transaction((manager) =>
    outbox.add(
      manager,
      [1, 2, 3].map((i) => ({
        topic,
        event: { id: `crash-${i}`, type: 'opsline.order.placed.v1', subject: `ORD-C${i}` },
      })),
    ),
  );
  process.stdout.write('committed\n');
  setInterval(() => undefined, 1000);
}

void main();
