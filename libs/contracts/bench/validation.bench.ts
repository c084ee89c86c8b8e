/**
 * How many Kafka message values per second `parseCloudEventBytes` turns into validated events:
 * an `opsline.order.placed.v1` with 5 lines, parsed and validated on one core.
 *
 *   node -r ts-node/register/transpile-only libs/contracts/bench/validation.bench.ts
 */
import { ORDER_PLACED_V1, parseCloudEventBytes } from '../src';

const ORDER_WITH_FIVE_LINES = Buffer.from(
  JSON.stringify({
    specversion: '1.0',
    id: 'b6f1c6f4-9d1e-4c5a-8f3e-0a4b2c1d9e77',
    source: '/channels/webshop',
    type: ORDER_PLACED_V1,
    time: '2026-11-20T10:00:00.000Z',
    subject: 'ORD-1001',
    datacontenttype: 'application/json',
    correlationid: 'b6f1c6f4-9d1e-4c5a-8f3e-0a4b2c1d9e77',
    data: {
      orderId: 'ORD-1001',
      channel: 'webshop',
      currency: 'EUR',
      promisedShipBy: '2026-11-21T16:00:00.000Z',
      warehouseId: 'WH-1',
      customerId: 'CUST-9',
      lines: [1, 2, 3, 4, 5].map((n) => ({
        lineId: `L${n}`,
        sku: `SKU-${n}`,
        quantity: n,
        unitPriceMinor: 999 * n,
      })),
    },
  }),
);

function eventsPerSecond(durationMs: number): number {
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 100; i += 1) {
      const result = parseCloudEventBytes(ORDER_WITH_FIVE_LINES);
      if (!result.ok) {
        throw new Error(JSON.stringify(result.errors));
      }
    }
    count += 100;
  }
  const elapsedSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / elapsedSeconds;
}

eventsPerSecond(1000); // warm-up: JIT and class-validator metadata caches
const runs = [1, 2, 3].map(() => eventsPerSecond(2000));
const best = Math.max(...runs);
console.log(
  `parseCloudEventBytes, order.placed with 5 lines (${ORDER_WITH_FIVE_LINES.length} bytes): ` +
    `${Math.round(best).toLocaleString('en-US')} events/s (${(1e6 / best).toFixed(1)} µs/event; ` +
    `runs ${runs.map((r) => Math.round(r)).join(', ')})`,
);
