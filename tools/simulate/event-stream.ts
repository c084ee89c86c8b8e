import { RETURN_REASON_CODES } from '@opsline/contracts';
import { randomUUID } from 'node:crypto';

/** A CloudEvent as the simulator sends it, with the ingest path it goes to. */
export interface SimulatedEvent {
  readonly path: 'orders' | 'returns' | 'warehouse';
  readonly event: {
    specversion: '1.0';
    id: string;
    source: string;
    type: string;
    time: string;
    subject: string;
    datacontenttype: 'application/json';
    data: Record<string, unknown>;
  };
}

const CHANNELS = ['webshop', 'marketplace', 'b2b-portal'];
const WAREHOUSES = ['WH-1', 'WH-2', 'WH-3'];
const HOUR = 3_600_000;

/** A small deterministic generator, so a run can be repeated with the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cloudEvent(
  path: SimulatedEvent['path'],
  type: string,
  subject: string,
  at: number,
  data: Record<string, unknown>,
  source: string,
): SimulatedEvent {
  return {
    path,
    event: {
      specversion: '1.0',
      id: randomUUID(),
      source,
      type,
      time: new Date(at).toISOString(),
      subject,
      datacontenttype: 'application/json',
      data,
    },
  };
}

/**
 * A realistic day of operations for `orderCount` orders: stock received first, then orders from
 * three channels, a few cancellations, (partial) shipments, and returns of shipped lines with
 * their receipt and inspection at the warehouse — in business-time order.
 */
export function generateOperations(
  orderCount: number,
  random: () => number,
  runId: string,
  start = Date.now() - 24 * HOUR,
): SimulatedEvent[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const events: { at: number; item: SimulatedEvent }[] = [];
  const push = (item: SimulatedEvent) => events.push({ at: Date.parse(item.event.time), item });
  for (const warehouseId of WAREHOUSES) {
    const lines = Array.from({ length: 20 }, (_, i) => ({
      sku: `SKU-${i + 1}`,
      quantity: 50 + Math.floor(random() * 100),
    }));
    push(
      cloudEvent(
        'warehouse',
        'opsline.wms.goods-received.v1',
        `GR-${runId}-${warehouseId}`,
        start,
        { warehouseId, receiptId: `GR-${runId}-${warehouseId}`, lines },
        `/warehouses/${warehouseId}/wms`,
      ),
    );
  }
  for (let n = 1; n <= orderCount; n++) {
    const orderId = `ORD-${runId}-${n}`;
    const placedAt = start + HOUR + Math.floor(random() * 20 * HOUR);
    const warehouseId = pick(WAREHOUSES);
    const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => ({
      lineId: String(i + 1),
      sku: `SKU-${1 + Math.floor(random() * 20)}`,
      quantity: 1 + Math.floor(random() * 3),
      unitPriceMinor: 499 + Math.floor(random() * 9500),
    }));
    push(
      cloudEvent(
        'orders',
        'opsline.order.placed.v1',
        orderId,
        placedAt,
        {
          orderId,
          channel: pick(CHANNELS),
          currency: 'EUR',
          promisedShipBy: new Date(placedAt + 24 * HOUR).toISOString(),
          ...(random() < 0.5 ? { warehouseId } : {}),
          lines,
        },
        `/channels/${pick(CHANNELS)}`,
      ),
    );
    const fate = random();
    if (fate < 0.05) {
      push(
        cloudEvent(
          'orders',
          'opsline.order.cancelled.v1',
          orderId,
          placedAt + HOUR,
          { orderId, reason: 'customer changed their mind' },
          '/channels/webshop',
        ),
      );
      continue;
    }
    const shippedAt = placedAt + ((2 + Math.floor(random() * 30)) * HOUR) / 2;
    push(
      cloudEvent(
        'warehouse',
        'opsline.wms.shipment-confirmed.v1',
        orderId,
        shippedAt,
        {
          warehouseId,
          shipmentId: `SHP-${runId}-${n}`,
          orderId,
          lines: lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
          carrier: 'DHL',
        },
        `/warehouses/${warehouseId}/wms`,
      ),
    );
    if (random() < 0.12) {
      const line = lines[0];
      const returnId = `RMA-${runId}-${n}`;
      const requestedAt = shippedAt + (24 + Math.floor(random() * 72)) * HOUR;
      push(
        cloudEvent(
          'returns',
          'opsline.return.requested.v1',
          returnId,
          requestedAt,
          {
            returnId,
            orderId,
            lines: [
              { lineId: line.lineId, sku: line.sku, quantity: 1, reasonCode: pick(RETURN_REASON_CODES) },
            ],
          },
          '/portals/returns',
        ),
      );
      push(
        cloudEvent(
          'warehouse',
          'opsline.wms.return-received.v1',
          returnId,
          requestedAt + 48 * HOUR,
          { warehouseId, returnId, lines: [{ lineId: line.lineId, sku: line.sku, quantity: 1 }] },
          `/warehouses/${warehouseId}/wms`,
        ),
      );
      const restock = random() < 0.6;
      push(
        cloudEvent(
          'warehouse',
          'opsline.wms.return-inspected.v1',
          returnId,
          requestedAt + 60 * HOUR,
          {
            warehouseId,
            returnId,
            lines: [
              {
                lineId: line.lineId,
                sku: line.sku,
                quantity: 1,
                disposition: restock ? 'RESTOCK' : 'LIQUIDATE',
                recoveredValueMinor: restock ? line.unitPriceMinor : Math.floor(line.unitPriceMinor / 4),
              },
            ],
          },
          `/warehouses/${warehouseId}/wms`,
        ),
      );
    }
  }
  return events.sort((a, b) => a.at - b.at).map((e) => e.item);
}
