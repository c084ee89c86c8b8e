/**
 * A seeded scenario of ingest events for the KPI oracle test: stock, orders over two weeks from
 * three channels, partial and late shipments, cancellations (some after a partial shipment),
 * backorders, return requests (authorized, out of window, over-quantity) with partial receipts
 * and inspections of every disposition, and cycle counts (right and wrong).
 *
 * It is built so that every contract metric has one right answer whatever the arrival order:
 * - stock: plentiful SKUs are received in quantity at every warehouse before anything else, so
 *   their lines are always reserved at the first attempt; `SKU-Z*` are never in stock, so their
 *   lines are always backordered. Orders without a warehouse therefore go to the lowest id, WH-1.
 * - every shipment, return receipt and inspection happens at the order's warehouse, so "the
 *   order's warehouse" and "the event's warehouse" agree under a warehouse filter.
 * - a cancelled order's shipments all happen before its cancellation, and are partial;
 *   only plentiful lines ship.
 * - one return request per order, for lines shipped by one shipment.
 * - business times are unique to the millisecond within a position (no ties in a stock fold).
 */
import { randomUUID } from 'node:crypto';
import { RETURN_REASON_CODES } from '@opsline/contracts';
import { seededRandom } from '../../../../tools/simulate/event-stream';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const SCENARIO_START = Date.UTC(2026, 9, 1); // Thu 1 Oct 2026
export const WAREHOUSES = ['WH-1', 'WH-2', 'WH-3'] as const;
export const CHANNELS = ['webshop', 'marketplace', 'b2b-portal'] as const;
export const PLENTIFUL_SKUS = ['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4', 'SKU-5', 'SKU-6'] as const;
export const MISSING_SKUS = ['SKU-Z1', 'SKU-Z2'] as const;
const INITIAL_STOCK = 100_000;
const DISPOSITIONS = ['RESTOCK', 'REFURBISH', 'LIQUIDATE', 'SCRAP'] as const;

export type IngestTopic = 'opsline.ingest.orders' | 'opsline.ingest.returns' | 'opsline.ingest.warehouse';

/** A CloudEvent of the scenario and the ingest topic it goes to. */
export interface ScenarioEvent {
  readonly topic: IngestTopic;
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

function cloudEvent(
  topic: IngestTopic,
  type: string,
  subject: string,
  at: number,
  data: Record<string, unknown>,
): ScenarioEvent {
  return {
    topic,
    event: {
      specversion: '1.0',
      id: randomUUID(),
      source: topic === 'opsline.ingest.warehouse' ? '/warehouses/wms' : '/channels/oracle',
      type,
      time: new Date(at).toISOString(),
      subject,
      datacontenttype: 'application/json',
      data,
    },
  };
}

interface Line {
  lineId: string;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
}

/** The scenario's events in business-time order (the order a well-behaved world would send them). */
export function generateScenario(seed: number, orderCount: number): ScenarioEvent[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const events: ScenarioEvent[] = [];
  const warehouse = (type: string, subject: string, at: number, data: Record<string, unknown>) =>
    events.push(cloudEvent('opsline.ingest.warehouse', type, subject, at, data));

  for (const warehouseId of WAREHOUSES) {
    warehouse('opsline.wms.goods-received.v1', `GR-${warehouseId}`, SCENARIO_START, {
      warehouseId,
      receiptId: `GR-${warehouseId}`,
      lines: PLENTIFUL_SKUS.map((sku) => ({ sku, quantity: INITIAL_STOCK })),
    });
  }

  for (let n = 1; n <= orderCount; n++) {
    const orderId = `ORD-${n}`;
    const placedAt = SCENARIO_START + HOUR + between(0, 14 * 24 * 60) * 60_000 + n;
    const askedWarehouse = random() < 0.7 ? pick(WAREHOUSES) : undefined;
    const warehouseId = askedWarehouse ?? 'WH-1';
    const lines: Line[] = Array.from({ length: between(1, 3) }, (_, i) => ({
      lineId: String(i + 1),
      sku: random() < 0.1 ? pick(MISSING_SKUS) : pick(PLENTIFUL_SKUS),
      quantity: between(1, 4),
      unitPriceMinor: between(0, 20) === 0 ? 0 : between(199, 15_000),
    }));
    const promisedShipBy = placedAt + between(12, 48) * HOUR;
    events.push(
      cloudEvent('opsline.ingest.orders', 'opsline.order.placed.v1', orderId, placedAt, {
        orderId,
        channel: pick(CHANNELS),
        currency: 'EUR',
        promisedShipBy: new Date(promisedShipBy).toISOString(),
        ...(askedWarehouse === undefined ? {} : { warehouseId: askedWarehouse }),
        ...(random() < 0.5 ? { customerId: `CUST-${between(1, 50)}` } : {}),
        lines,
      }),
    );

    const shippable = lines.filter((line) => !line.sku.startsWith('SKU-Z'));
    const fate = random();
    const cancelled = fate < 0.12;
    if (fate < 0.06 || shippable.length === 0) {
      if (cancelled || random() < 0.5) {
        events.push(orderCancelled(orderId, placedAt + between(1, 30) * HOUR));
      }
      continue;
    }
    // shipments: one, or the plentiful lines split over two; late ones past promisedShipBy
    const firstShipAt = placedAt + between(2, 60) * HOUR + n;
    const split = shippable.length > 1 && random() < 0.3;
    const shipments = split
      ? [
          { at: firstShipAt, lines: shippable.slice(0, 1) },
          { at: firstShipAt + between(2, 40) * HOUR, lines: shippable.slice(1) },
        ]
      : [{ at: firstShipAt, lines: shippable }];
    // a cancelled order keeps only its first shipment, made before the cancellation
    const made = cancelled ? shipments.slice(0, 1) : shipments;
    const everythingShipped = !cancelled && shippable.length === lines.length;
    made.forEach((shipment, i) =>
      warehouse('opsline.wms.shipment-confirmed.v1', orderId, shipment.at, {
        warehouseId,
        shipmentId: `SHP-${n}-${i + 1}`,
        orderId,
        lines: shipment.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
        ...(random() < 0.5 ? { carrier: 'DHL', trackingNumber: `JD${n}${i}` } : {}),
      }),
    );
    const lastShipAt = made[made.length - 1].at;
    if (cancelled) {
      const partial = made[0].lines.length < lines.length;
      // a cancellation after every unit shipped is refused; keep cancellations meaningful
      if (partial) events.push(orderCancelled(orderId, lastShipAt + between(1, 10) * HOUR));
      continue;
    }
    if (!everythingShipped && random() < 0.3) {
      events.push(orderCancelled(orderId, lastShipAt + between(1, 10) * HOUR));
    }

    if (random() < 0.35) {
      const shipment = pick(made);
      const line = pick(shipment.lines);
      const returnId = `RMA-${n}`;
      const kind = random();
      const expired = kind < 0.1;
      const overQuantity = !expired && kind < 0.18;
      const requestedAt =
        shipment.at + (expired ? between(32, 40) : between(1, 25)) * DAY + between(0, 3_000_000);
      const quantity = overQuantity ? line.quantity + between(1, 2) : between(1, line.quantity);
      events.push(
        cloudEvent('opsline.ingest.returns', 'opsline.return.requested.v1', returnId, requestedAt, {
          returnId,
          orderId,
          lines: [{ lineId: line.lineId, sku: line.sku, quantity, reasonCode: pick(RETURN_REASON_CODES) }],
        }),
      );
      if (expired || overQuantity) continue;
      // receipts (maybe two, partial), then inspections of what arrived
      const receivedFirst = between(1, quantity);
      const receipts = [{ at: requestedAt + between(24, 96) * HOUR, quantity: receivedFirst }];
      if (receivedFirst < quantity && random() < 0.7) {
        receipts.push({ at: receipts[0].at + between(12, 72) * HOUR, quantity: quantity - receivedFirst });
      }
      let inspectAfter = receipts[0].at;
      for (const receipt of receipts) {
        warehouse('opsline.wms.return-received.v1', returnId, receipt.at, {
          warehouseId,
          returnId,
          lines: [{ lineId: line.lineId, sku: line.sku, quantity: receipt.quantity }],
        });
        if (random() < 0.85) {
          inspectAfter = Math.max(inspectAfter, receipt.at) + between(2, 48) * HOUR;
          warehouse('opsline.wms.return-inspected.v1', returnId, inspectAfter, {
            warehouseId,
            returnId,
            lines: inspectionLines(line, receipt.quantity, random, pick),
          });
        }
      }
    }
  }

  events.push(...cycleCounts(events, random, between));
  return events.sort((a, b) => Date.parse(a.event.time) - Date.parse(b.event.time));

  function orderCancelled(orderId: string, at: number): ScenarioEvent {
    return cloudEvent('opsline.ingest.orders', 'opsline.order.cancelled.v1', orderId, at, {
      orderId,
      reason: 'customer asked',
    });
  }
}

/** The units of one inspection, split over one or two dispositions. */
function inspectionLines(
  line: Line,
  quantity: number,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): Record<string, unknown>[] {
  const parts = quantity > 1 && random() < 0.4 ? [1, quantity - 1] : [quantity];
  return parts.map((units) => {
    const disposition = pick(DISPOSITIONS);
    const share = disposition === 'RESTOCK' ? 1 : disposition === 'SCRAP' ? 0 : random() * 0.6;
    return {
      lineId: line.lineId,
      sku: line.sku,
      quantity: units,
      disposition,
      recoveredValueMinor: Math.floor(units * line.unitPriceMinor * share),
    };
  });
}

/**
 * Cycle counts of plentiful positions at times between the other events: each finds what the
 * books say (by business time) or a few units more or less.
 */
function cycleCounts(
  events: readonly ScenarioEvent[],
  random: () => number,
  between: (min: number, max: number) => number,
): ScenarioEvent[] {
  const counts: ScenarioEvent[] = [];
  for (let i = 0; i < 40; i++) {
    const warehouseId = WAREHOUSES[i % WAREHOUSES.length];
    const sku = PLENTIFUL_SKUS[between(0, PLENTIFUL_SKUS.length - 1)];
    const at = SCENARIO_START + DAY + between(0, 40 * 24 * 60) * 60_000 + 7 + i;
    const onHand = onHandAt(events, counts, warehouseId, sku, at);
    const countedQuantity = random() < 0.6 ? onHand : Math.max(0, onHand + between(-5, 5));
    counts.push(
      cloudEvent('opsline.ingest.warehouse', 'opsline.wms.stock-counted.v1', `${warehouseId}:${sku}`, at, {
        warehouseId,
        countId: `CC-${i + 1}`,
        sku,
        countedQuantity,
      }),
    );
  }
  return counts;
}

/** A stock movement of one position, as the contract's on-hand definition takes it. */
export interface StockMovement {
  readonly at: number;
  /** A cycle count replaces on-hand; everything else adds `delta`. */
  readonly countedQuantity?: number;
  readonly delta: number;
}

/**
 * On-hand movements of a warehouse × SKU from ingest events: receipts, RESTOCK inspections,
 * shipments (−), adjustments, and cycle counts (which replace on-hand), in business-time order.
 */
export function stockMovements(
  events: readonly ScenarioEvent[],
  warehouseId: string,
  sku: string,
): StockMovement[] {
  const movements: StockMovement[] = [];
  for (const { event } of events) {
    const data = event.data as Record<string, unknown> & { warehouseId?: string };
    if (data.warehouseId !== warehouseId) continue;
    const at = Date.parse(event.time);
    const lines = (data.lines ?? []) as { sku: string; quantity: number; disposition?: string }[];
    const units = (filter: (line: (typeof lines)[number]) => boolean) =>
      lines.filter((line) => line.sku === sku && filter(line)).reduce((sum, line) => sum + line.quantity, 0);
    switch (event.type) {
      case 'opsline.wms.goods-received.v1':
        if (units(() => true) > 0) movements.push({ at, delta: units(() => true) });
        break;
      case 'opsline.wms.return-inspected.v1':
        if (units((line) => line.disposition === 'RESTOCK') > 0)
          movements.push({ at, delta: units((line) => line.disposition === 'RESTOCK') });
        break;
      case 'opsline.wms.shipment-confirmed.v1':
        if (units(() => true) > 0) movements.push({ at, delta: -units(() => true) });
        break;
      case 'opsline.wms.stock-adjusted.v1':
        if (data.sku === sku) movements.push({ at, delta: data.quantityDelta as number });
        break;
      case 'opsline.wms.stock-counted.v1':
        if (data.sku === sku)
          movements.push({ at, delta: 0, countedQuantity: data.countedQuantity as number });
        break;
    }
  }
  return movements.sort((a, b) => a.at - b.at);
}

/** On-hand of a position just before business time `at`. */
export function onHandAt(
  events: readonly ScenarioEvent[],
  more: readonly ScenarioEvent[],
  warehouseId: string,
  sku: string,
  at: number,
): number {
  let onHand = 0;
  for (const movement of stockMovements([...events, ...more], warehouseId, sku)) {
    if (movement.at >= at) break;
    onHand = movement.countedQuantity ?? onHand + movement.delta;
  }
  return onHand;
}
