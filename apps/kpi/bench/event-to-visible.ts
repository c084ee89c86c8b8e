/** Phase 3 of bench:kpi: how long a new order takes to be visible in the fact table GET /kpis reads. */
import type { Producer } from 'kafkajs';
import type { Client } from 'pg';
import { OrderStory } from '../src/domain/kpi.fixtures';
import { messageOf, nowMs, percentile, rate, sleep, waitUntil } from './bench-helpers';

export interface Visibility {
  p50: number;
  p99: number;
  max: number;
  count: number;
  offeredRate: number;
}

/** New orders at `eventsPerSecond` for `seconds`; each one's due time → its row in `schema`.order_facts. */
export async function eventToVisible(
  producer: Producer,
  pg: Client,
  schema: string,
  eventsPerSecond: number,
  seconds: number,
  orderIdPrefix: string,
): Promise<Visibility> {
  const total = Math.round(eventsPerSecond * seconds);
  const placedAtOf = (i: number): string =>
    new Date(Date.parse('2026-11-20T00:00:00.000Z') + i * 1000).toISOString();
  const events = Array.from(
    { length: total },
    (_, i) =>
      new OrderStory({
        orderId: `${orderIdPrefix}-${i}`,
        channel: i % 2 === 0 ? 'webshop' : 'marketplace',
        warehouseId: `WH-${1 + (i % 2)}`,
        placedAt: placedAtOf(i),
        promisedShipBy: '2026-11-25T00:00:00.000Z',
        lines: [
          { sku: `SKU-${String.fromCharCode(65 + (i % 4))}`, quantity: 1 + (i % 3), unitPriceMinor: 1500 },
        ],
      }).events[0],
  );
  const dueAt = new Map<string, number>();
  const visibleAt = new Map<string, number>();
  let sent = 0;
  let polling = true;
  // Every 20 ms, the orders placed between the oldest one not yet seen and the newest one sent, by
  // the placed_at index (each order has its own second): a range read costs the database a fraction
  // of probing each pending id, whose cost grew with the lag it measured and took CPU from the
  // projection it was timing.
  const poller = (async () => {
    let oldestUnseen = 0;
    while (polling || visibleAt.size < dueAt.size) {
      while (oldestUnseen < sent && visibleAt.has(events[oldestUnseen].event.subject)) oldestUnseen++;
      if (oldestUnseen < sent) {
        const { rows } = await pg.query<{ order_id: string }>(
          `SELECT order_id FROM "${schema}".order_facts
           WHERE placed_at BETWEEN $1 AND $2 AND order_id LIKE $3`,
          [placedAtOf(oldestUnseen), placedAtOf(sent - 1), `${orderIdPrefix}-%`],
        );
        const at = nowMs();
        for (const { order_id } of rows) if (!visibleAt.has(order_id)) visibleAt.set(order_id, at);
      }
      await sleep(20);
    }
  })();
  const sends: Promise<unknown>[] = [];
  const start = nowMs();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((nowMs() - start) / 1000) * eventsPerSecond) + 1);
    if (due > sent) {
      const slice = events.slice(sent, due);
      slice.forEach((e, k) =>
        dueAt.set(e.event.subject, Math.min(nowMs(), start + ((sent + k) / eventsPerSecond) * 1000)),
      );
      sends.push(producer.send({ topic: slice[0].topic, acks: -1, messages: slice.map(messageOf) }));
      sent = due;
    }
    await sleep(5);
  }
  await Promise.all(sends);
  const offeredRate = rate(total, nowMs() - start);
  await waitUntil('every paced order visible', async () => visibleAt.size >= total);
  polling = false;
  await poller;
  const latencies = [...dueAt].map(([id, at]) => (visibleAt.get(id) as number) - at).sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    count: total,
    offeredRate,
  };
}
