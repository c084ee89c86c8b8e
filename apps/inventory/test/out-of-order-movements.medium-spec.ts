import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { seededRandom } from '../../../tools/simulate/event-stream';
import {
  ingest,
  placeOrder,
  positionOf,
  published,
  publishedOf,
  received,
  service,
  useInventoryService,
  wms,
} from './inventory-service-harness';

jest.setTimeout(120_000);

useInventoryService(__filename, 'ops=warehouse:write,inventory:read');

const SKUS = ['SKU-O1', 'SKU-O2', 'SKU-O3'];
const ORDERS = 12;
const MOVEMENTS = 90;

// seeded, so a failure replays the same arrival order
const random = seededRandom(20261126);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const between = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
/** A business time on 2026-11-20, `minute` minutes after 06:00. */
const minuteOfDay = (minute: number): string => new Date(Date.UTC(2026, 10, 20, 6, minute)).toISOString();

interface LedgerBody {
  onHand: number;
  reserved: number;
  entries: { kind: string; reference: string; onHand: number; onHandDelta: number }[];
}

async function ledgerOf(sku: string): Promise<LedgerBody> {
  const response = await service().inject({
    method: 'GET',
    url: `/inventory/ledger?warehouseId=WH-1&sku=${sku}`,
    headers: { authorization: 'Bearer ops' },
  });
  expect(response.statusCode).toBe(200);
  return response.json() as LedgerBody;
}

describe('warehouse movements arriving in any business-time order', () => {
  it('leave every position and every cycle count judgement as the fold of the whole ledger gives them', async () => {
    const orders = Array.from({ length: ORDERS }, (_, i) => ({
      orderId: `ORD-O${i}`,
      sku: pick(SKUS),
      quantity: between(1, 4),
      placedAt: minuteOfDay(between(0, 600)),
    }));
    for (const order of orders)
      await placeOrder(order.orderId, order.placedAt, [
        { lineId: '1', sku: order.sku, quantity: order.quantity },
      ]);
    await waitFor('every order allocated', () =>
      orders.every(
        (order) =>
          publishedOf('opsline.inventory.stock-reserved.v1', order.orderId)() !== undefined ||
          publishedOf('opsline.inventory.stock-backordered.v1', order.orderId)() !== undefined,
      )
        ? true
        : undefined,
    );

    const movements: unknown[] = [];
    const sent = new Map<string, number>(SKUS.map((sku) => [sku, 0]));
    const countIds: string[] = [];
    for (let i = 0; i < MOVEMENTS; i += 1) {
      const sku = pick(SKUS);
      const at = minuteOfDay(between(0, 720));
      const roll = random();
      if (roll < 0.45) movements.push(received(`GR-O${i}`, sku, between(1, 9), at));
      else if (roll < 0.65)
        movements.push(
          wms(
            'opsline.wms.stock-adjusted.v1',
            {
              warehouseId: 'WH-1',
              adjustmentId: `ADJ-O${i}`,
              sku,
              quantityDelta: pick([-3, -2, -1, 1, 2]),
              reasonCode: 'OTHER',
            },
            at,
          ),
        );
      else if (roll < 0.85) {
        countIds.push(`CC-O${i}`);
        movements.push(
          wms(
            'opsline.wms.stock-counted.v1',
            { warehouseId: 'WH-1', countId: `CC-O${i}`, sku, countedQuantity: between(0, 25) },
            at,
          ),
        );
      } else {
        const order = pick(orders);
        movements.push(
          wms(
            'opsline.wms.shipment-confirmed.v1',
            {
              warehouseId: 'WH-1',
              shipmentId: `SHP-O${i}`,
              orderId: order.orderId,
              lines: [{ lineId: '1', sku: order.sku, quantity: 1 }],
            },
            at,
          ),
        );
        sent.set(order.sku, (sent.get(order.sku) ?? 0) + 1);
        continue;
      }
      sent.set(sku, (sent.get(sku) ?? 0) + 1);
    }
    // sent in generation order, which is random in business time; in small batches, so later
    // batches meet positions that earlier ones already counted
    for (let i = 0; i < movements.length; i += 5) await ingest(movements.slice(i, i + 5));

    const movedOnHand = (body: LedgerBody): number =>
      body.entries.filter((entry) => ['receipt', 'adjustment', 'count', 'shipment'].includes(entry.kind))
        .length;
    for (const sku of SKUS)
      await waitFor(`every movement of ${sku} recorded`, async () =>
        movedOnHand(await ledgerOf(sku)) === sent.get(sku) ? true : undefined,
      );

    for (const sku of SKUS) {
      const ledger = await ledgerOf(sku);
      expect(await positionOf(sku)).toMatchObject({
        onHand: ledger.onHand,
        reserved: ledger.reserved,
        available: ledger.onHand - ledger.reserved,
      });
    }

    const judgements = new Map<string, number>();
    for (const sku of SKUS)
      for (const entry of (await ledgerOf(sku)).entries)
        if (entry.kind === 'count')
          judgements.set(entry.reference.replace('count:', ''), entry.onHand - entry.onHandDelta);
    expect([...judgements.keys()].sort()).toEqual([...countIds].sort());
    const lastJudgement = (countId: string): number | undefined => {
      const counted = published.filter(
        (event) => event.type === 'opsline.inventory.stock-counted.v1' && event.data.countId === countId,
      );
      return counted.at(-1)?.data.onHandAtCount as number | undefined;
    };
    await waitFor('every count judged as the whole ledger judges it', () =>
      countIds.every((countId) => lastJudgement(countId) === judgements.get(countId)) ? true : undefined,
    );
    // the arrival order did re-judge counts: the late-movement paths were taken
    const restated = published.filter(
      (event) => event.type === 'opsline.inventory.stock-counted.v1' && event.data.restated === true,
    );
    expect(restated.length).toBeGreaterThan(0);
  });
});
