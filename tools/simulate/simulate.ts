/**
 * npm run simulate -- [--orders 200] [--seed 1] [--batch 25]
 * Sends a realistic stream of orders, shipments and returns through the HTTP ingest twins of a
 * running opsline (npm start), then follows the orders through the system until they are visible
 * at GET /orders/{id}. OPSLINE_API_KEY (default dev-key) and ORDERS_URL / RETURNS_URL /
 * INVENTORY_URL (default 127.0.0.1:3001–3003) say where and how.
 */
import { parseArgs } from 'node:util';
import { generateOperations, seededRandom, SimulatedEvent } from './event-stream';

const BASE_URLS: Record<SimulatedEvent['path'], string> = {
  orders: process.env.ORDERS_URL ?? 'http://127.0.0.1:3001',
  returns: process.env.RETURNS_URL ?? 'http://127.0.0.1:3002',
  warehouse: process.env.INVENTORY_URL ?? 'http://127.0.0.1:3003',
};
const API_KEY = process.env.OPSLINE_API_KEY ?? 'dev-key';

async function send(path: SimulatedEvent['path'], events: SimulatedEvent['event'][]): Promise<number> {
  const response = await fetch(`${BASE_URLS[path]}/ingest/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify(events),
  });
  if (response.status !== 202)
    process.stderr.write(`POST /ingest/${path}: ${response.status} ${await response.text()}\n`);
  return response.status;
}

/** Sends consecutive events of the same path together, in business-time order. */
async function sendAll(stream: SimulatedEvent[], batchSize: number): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  for (let i = 0; i < stream.length;) {
    const path = stream[i].path;
    const batch: SimulatedEvent['event'][] = [];
    while (i < stream.length && stream[i].path === path && batch.length < batchSize)
      batch.push(stream[i++].event);
    const status = await send(path, batch);
    for (const event of batch)
      statuses.set(`${event.type} ${status}`, (statuses.get(`${event.type} ${status}`) ?? 0) + 1);
  }
  return statuses;
}

async function visibleOrders(orderIds: string[], deadline: number): Promise<number> {
  let visible = new Set<string>();
  while (Date.now() < deadline && visible.size < orderIds.length) {
    const checks = await Promise.all(
      orderIds
        .filter((id) => !visible.has(id))
        .map(async (id) => {
          const response = await fetch(`${BASE_URLS.orders}/orders/${id}`, {
            headers: { authorization: `Bearer ${API_KEY}` },
          });
          return response.ok ? id : null;
        }),
    );
    visible = new Set([...visible, ...checks.filter((id): id is string => id !== null)]);
    if (visible.size < orderIds.length) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return visible.size;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
      batch: { type: 'string', default: '25' },
    },
  });
  const runId = Date.now().toString(36).toUpperCase();
  const stream = generateOperations(Number(values.orders), seededRandom(Number(values.seed)), runId);
  process.stdout.write(`simulating ${values.orders} orders: ${stream.length} events (run ${runId})\n`);
  const started = Date.now();
  const statuses = await sendAll(stream, Number(values.batch));
  process.stdout.write(`sent in ${((Date.now() - started) / 1000).toFixed(1)} s:\n`);
  for (const [key, count] of [...statuses].sort()) process.stdout.write(`  ${key.padEnd(42)} ${count}\n`);
  const orderIds = stream
    .filter((e) => e.event.type === 'opsline.order.placed.v1')
    .map((e) => e.event.subject);
  const visible = await visibleOrders(orderIds, Date.now() + 60_000);
  process.stdout.write(
    `${visible}/${orderIds.length} orders went ingest topic → orders consumer → database and are at GET /orders/{id} ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s after the first send)\n`,
  );
  if (visible < orderIds.length) process.exit(1);
}

main().catch((error: Error) => {
  process.stderr.write(`simulate failed: ${error.message} (is opsline running? npm start)\n`);
  process.exit(1);
});
