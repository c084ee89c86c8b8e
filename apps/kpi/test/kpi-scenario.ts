import {
  OrderStory,
  positionChanged,
  ReturnStory,
  stockCounted,
  TopicEvent,
} from '../src/domain/kpi.fixtures';

/** A seeded pseudo-random source (mulberry32), so a failing scenario can be replayed. */
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

const HOUR = 3_600_000;
const START = Date.parse('2026-11-16T00:00:00.000Z'); // a Monday
const iso = (ms: number): string => new Date(ms).toISOString();

/** Every event of one aggregate, in the order its service published them. */
export type AggregateStream = readonly TopicEvent[];

/**
 * A few days of orders (allocations, short first attempts, split and late shipments, cancellations
 * before and after shipping, shipments after cancellation), returns (authorized, rejected, received,
 * inspected in other warehouses, twice), restated cycle counts and position changes.
 */
export function kpiScenario(seed: number, orderCount: number): AggregateStream[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const streams: AggregateStream[] = [];

  for (let n = 0; n < orderCount; n++) {
    const placedAt = START + Math.floor(random() * 84 * HOUR);
    const asked = random() < 0.5 ? pick(['WH-1', 'WH-2']) : undefined;
    const skus = ['SKU-A', 'SKU-B', 'SKU-C', 'SKU-D'].filter(() => random() < 0.5);
    if (skus.length === 0) skus.push(pick(['SKU-A', 'SKU-C']));
    const story = new OrderStory({
      orderId: `ORD-${n}`,
      channel: pick(['webshop', 'marketplace']),
      warehouseId: asked,
      placedAt: iso(placedAt),
      promisedShipBy: iso(placedAt + 24 * HOUR),
      lines: skus.map((sku) => ({ sku, quantity: int(1, 3), unitPriceMinor: int(1, 50) * 100 })),
    });
    const warehouse = asked ?? pick(['WH-1', 'WH-2']);
    const quantities = story.spec.lines.map((line) => line.quantity);
    const returns: AggregateStream[] = [];
    if (random() < 0.9) {
      const short = random() < 0.25;
      story.allocate(
        iso(placedAt + 5 * 60_000),
        warehouse,
        quantities.map((q, i) => (short && i === 0 ? q - 1 : q)),
      );
      const cancelFirst = random() < 0.1;
      if (cancelFirst) story.cancel(iso(placedAt + int(1, 5) * HOUR));
      const roll = random();
      const firstShipAt = placedAt + int(1, 40) * HOUR + int(0, 59) * 60_000;
      const shipFrom = random() < 0.15 ? 'WH-3' : warehouse;
      if (roll < 0.45) {
        story.ship(`SHP-${n}-1`, iso(firstShipAt), shipFrom, quantities);
      } else if (roll < 0.75) {
        const first = quantities.map((q, i) => (i === 0 ? Math.max(1, q - 1) : q));
        story.ship(`SHP-${n}-1`, iso(firstShipAt), shipFrom, first);
        if (!cancelFirst && random() < 0.3) story.cancel(iso(firstShipAt + 2 * HOUR));
        else {
          const rest = quantities.map((q, i) => q - first[i]);
          if (rest.some((q) => q > 0))
            story.ship(`SHP-${n}-2`, iso(firstShipAt + int(1, 20) * HOUR), warehouse, rest);
        }
      } else if (!cancelFirst && roll < 0.85) {
        story.cancel(iso(placedAt + 2 * HOUR));
      }
      if (roll < 0.75 && random() < 0.5) {
        const lineIndex = int(0, skus.length - 1);
        const rma = new ReturnStory(
          `RMA-${n}`,
          { ...story.spec, warehouseId: warehouse },
          iso(firstShipAt + int(2, 30) * HOUR),
          [
            {
              lineIndex,
              quantity: 1,
              reasonCode: pick(['DAMAGED', 'SIZE_FIT', 'WRONG_ITEM', 'NO_LONGER_NEEDED']),
            },
          ],
        );
        const decidedAt = Date.parse(rma.requestedAt) + 60_000;
        if (random() < 0.15) rma.reject(iso(decidedAt));
        else {
          rma.authorize(iso(decidedAt));
          if (random() < 0.8) {
            const receivedAt = decidedAt + int(2, 20) * HOUR;
            rma.receive(iso(receivedAt), warehouse);
            if (random() < 0.8) {
              rma.inspect(iso(receivedAt + int(1, 12) * HOUR), pick([warehouse, 'WH-3']), [
                {
                  lineIndex: 0,
                  quantity: 1,
                  disposition: pick(['RESTOCK', 'REFURBISH', 'LIQUIDATE', 'SCRAP']),
                  recoveredValueMinor: int(0, 20) * 50,
                },
              ]);
            }
          }
        }
        returns.push(rma.events);
      }
    }
    streams.push(story.events, ...returns);
  }

  for (let c = 0; c < 12; c++) {
    const count = {
      countId: `CNT-${c}`,
      warehouseId: pick(['WH-1', 'WH-2']),
      sku: pick(['SKU-A', 'SKU-B', 'SKU-C']),
      countedAt: iso(START + int(0, 90) * HOUR),
      countedQuantity: int(3, 6),
      onHandAtCount: int(4, 6),
    };
    const stream = [stockCounted(count)];
    if (random() < 0.3) stream.push(stockCounted({ ...count, onHandAtCount: count.countedQuantity }, 1));
    streams.push(stream);
  }

  for (const warehouseId of ['WH-1', 'WH-2'])
    for (const sku of ['SKU-A', 'SKU-B', 'SKU-C']) {
      const changes = int(1, 3);
      const stream: TopicEvent[] = [];
      for (let k = 0; k < changes; k++)
        stream.push(
          positionChanged(
            {
              warehouseId,
              sku,
              onHand: int(0, 40),
              reserved: int(0, 5),
              ...(random() < 0.6 ? { reorderPoint: int(5, 20) } : {}),
              changedAt: iso(START + k * HOUR),
            },
            k,
          ),
        );
      streams.push(stream);
    }
  return streams;
}

/** The streams one aggregate after another (each aggregate's events stay in order). */
export function inAggregateOrder(streams: readonly AggregateStream[]): TopicEvent[] {
  return streams.flat();
}

/**
 * The streams interleaved at random (each aggregate's events keep their order), with `duplicates`
 * extra copies of random events, each placed somewhere after its original.
 */
export function shuffledWithDuplicates(
  streams: readonly AggregateStream[],
  seed: number,
  duplicates: number,
): TopicEvent[] {
  const random = seededRandom(seed);
  const cursors = streams.map(() => 0);
  const merged: TopicEvent[] = [];
  let remaining = streams.reduce((n, s) => n + s.length, 0);
  while (remaining > 0) {
    const open = streams.map((_, i) => i).filter((i) => cursors[i] < streams[i].length);
    const i = open[Math.floor(random() * open.length)];
    merged.push(streams[i][cursors[i]++]);
    remaining--;
  }
  for (let d = 0; d < duplicates; d++) {
    const original = Math.floor(random() * merged.length);
    const at = original + 1 + Math.floor(random() * (merged.length - original));
    merged.splice(at, 0, merged[original]);
  }
  return merged;
}
