import fc from 'fast-check';

import { allocateOrder } from './allocation';
import {
  BackorderQueue,
  consumeForShipment,
  enqueueBackorders,
  fillBackorders,
  releaseCancelledOrder,
} from './backorder-queue';
import { compareIds } from './ordering';
import { ledgerEntryKey, onHandChange, reservedChange, sortLedger, StockLedgerEntry } from './stock-ledger';
import { computeStockPosition, openReservationOf } from './stock-position';

/**
 * Drives the domain functions the way the inventory use cases must: apply the event's entries,
 * then run a backorder fill at every position it touched (shipments included). Events arrive in
 * generated order with random business times, so late and out-of-order arrivals are the norm.
 */
const WAREHOUSES = ['WH-1', 'WH-2'] as const;
const SKUS = ['A', 'B', 'C'] as const;
const minuteAt = (minute: number): string => new Date(Date.UTC(2026, 10, 20) + minute * 60_000).toISOString();

type Command =
  | {
      kind: 'receive' | 'count' | 'adjust';
      warehouseId: string;
      sku: string;
      quantity: number;
      minute: number;
    }
  | {
      kind: 'place';
      warehouseId: string | undefined;
      lines: { sku: string; quantity: number }[];
      minute: number;
    }
  | { kind: 'cancel'; order: number; after: number }
  | { kind: 'ship'; order: number; line: number; quantity: number; after: number };

const position = { warehouseId: fc.constantFrom(...WAREHOUSES), sku: fc.constantFrom(...SKUS) };
const minute = fc.integer({ min: 0, max: 600 });
const stockCommand = (kind: 'receive' | 'count' | 'adjust', quantity: fc.Arbitrary<number>) =>
  fc.record({ kind: fc.constant(kind), ...position, quantity, minute });
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  stockCommand('receive', fc.integer({ min: 1, max: 10 })),
  stockCommand('count', fc.integer({ min: 0, max: 10 })),
  stockCommand('adjust', fc.constantFrom(-3, -1, 1, 2)),
  fc.record({
    kind: fc.constant('place' as const),
    warehouseId: fc.option(position.warehouseId, { nil: undefined }),
    lines: fc.array(fc.record({ sku: position.sku, quantity: fc.integer({ min: 1, max: 5 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    minute,
  }),
  fc.record({
    kind: fc.constant('cancel' as const),
    order: fc.nat(),
    after: fc.integer({ min: 0, max: 120 }),
  }),
  fc.record({
    kind: fc.constant('ship' as const),
    order: fc.nat(),
    line: fc.nat(),
    quantity: fc.integer({ min: 1, max: 5 }),
    after: fc.integer({ min: 0, max: 120 }),
  }),
);

interface SimOrder {
  orderId: string;
  warehouseId: string;
  placedMinute: number;
  lines: { lineId: string; sku: string; ordered: number; shipped: number }[];
  cancelled: boolean;
}

class InventorySimulation {
  entries: StockLedgerEntry[] = [];
  queue: BackorderQueue = [];
  orders: SimOrder[] = [];
  private sequence = 0;

  view(warehouseId: string, sku: string) {
    return computeStockPosition(warehouseId, sku, this.entries);
  }

  available = (warehouseId: string, sku: string): number => this.view(warehouseId, sku).position.available;

  apply(command: Command): void {
    const id = ++this.sequence;
    if (command.kind === 'place') return this.place(command, id);
    if (command.kind === 'cancel') return this.cancel(command);
    if (command.kind === 'ship') return this.ship(command, id);
    const { warehouseId, sku, quantity } = command;
    const at = minuteAt(command.minute);
    const entry: StockLedgerEntry =
      command.kind === 'receive'
        ? { kind: 'receipt', warehouseId, sku, at, receiptId: `R-${id}`, quantity }
        : command.kind === 'count'
          ? { kind: 'count', warehouseId, sku, at, countId: `C-${id}`, countedQuantity: quantity }
          : { kind: 'adjustment', warehouseId, sku, at, adjustmentId: `A-${id}`, quantityDelta: quantity };
    this.entries.push(entry);
    this.fill(warehouseId, sku, at, ledgerEntryKey(entry));
  }

  private place(command: Command & { kind: 'place' }, id: number): void {
    const orderId = `ORD-${id}`;
    const lines = command.lines.map((line, i) => ({
      lineId: `${i + 1}`,
      sku: line.sku,
      quantity: line.quantity,
    }));
    const at = minuteAt(command.minute);
    const decision = allocateOrder(
      { orderId, placedAt: at, warehouseId: command.warehouseId, lines },
      WAREHOUSES,
      this.available,
    );
    if (!decision.ok) throw new Error(decision.code);
    for (const line of decision.lines) {
      const before = this.available(decision.warehouseId, line.sku);
      expect(line.reserved).toBeLessThanOrEqual(Math.max(0, before));
    }
    this.entries.push(...decision.reservations);
    this.queue = enqueueBackorders(this.queue, decision.backorders);
    this.orders.push({
      orderId,
      warehouseId: decision.warehouseId,
      placedMinute: command.minute,
      lines: lines.map((l) => ({ lineId: l.lineId, sku: l.sku, ordered: l.quantity, shipped: 0 })),
      cancelled: false,
    });
  }

  private cancel(command: Command & { kind: 'cancel' }): void {
    const order = this.pickOrder(command.order);
    if (order === undefined) return;
    const at = minuteAt(order.placedMinute + command.after);
    const openLines = order.lines.map((l) => ({
      lineId: l.lineId,
      sku: l.sku,
      reserved: openReservationOf(this.view(order.warehouseId, l.sku), order.orderId, l.lineId),
    }));
    const result = releaseCancelledOrder(
      { orderId: order.orderId, warehouseId: order.warehouseId, at },
      openLines,
      this.queue,
    );
    this.entries.push(...result.releases);
    this.queue = result.remaining;
    order.cancelled = true;
    for (const sku of new Set(result.releases.map((r) => r.sku)))
      this.fill(order.warehouseId, sku, at, `cancellation:${order.orderId}`);
  }

  private ship(command: Command & { kind: 'ship' }, id: number): void {
    const order = this.pickOrder(command.order);
    if (order === undefined) return;
    const line = order.lines[command.line % order.lines.length];
    const quantity = Math.min(command.quantity, line.ordered - line.shipped);
    if (quantity === 0) return;
    const shipment = {
      shipmentId: `S-${id}`,
      orderId: order.orderId,
      warehouseId: order.warehouseId,
      at: minuteAt(order.placedMinute + command.after),
      lines: [{ lineId: line.lineId, sku: line.sku, quantity }],
    };
    const result = consumeForShipment(
      shipment,
      (lineId, sku) => openReservationOf(this.view(order.warehouseId, sku), order.orderId, lineId),
      this.queue,
    );
    this.entries.push(...result.entries);
    this.queue = result.remaining;
    line.shipped += quantity;
    // a shipment dated before a count consumes its reservation without lowering on-hand
    this.fill(order.warehouseId, line.sku, shipment.at, ledgerEntryKey(result.entries[0]));
  }

  private pickOrder(index: number): SimOrder | undefined {
    const open = this.orders.filter((o) => !o.cancelled);
    return open.length === 0 ? undefined : open[index % open.length];
  }

  private fill(warehouseId: string, sku: string, at: string, trigger: string): void {
    const fill = fillBackorders(this.queue, this.available(warehouseId, sku), {
      warehouseId,
      sku,
      at,
      trigger,
    });
    this.entries.push(...fill.reservations);
    this.queue = fill.remaining;
  }
}

/** On-hand by the contract's formula, computed without the fold: the last count, plus what came after it. */
function onHandByDefinition(entries: readonly StockLedgerEntry[]): number {
  const instant = (e: StockLedgerEntry) => Date.parse(e.at);
  const counts = entries.filter((e) => e.kind === 'count');
  const last = counts.reduce<StockLedgerEntry | undefined>(
    (best, c) =>
      best === undefined ||
      instant(c) > instant(best) ||
      (instant(c) === instant(best) && compareIds(ledgerEntryKey(c), ledgerEntryKey(best)) > 0)
        ? c
        : best,
    undefined,
  );
  const after = last === undefined ? entries : entries.filter((e) => instant(e) > instant(last));
  const start = last?.kind === 'count' ? last.countedQuantity : 0;
  return after.reduce((sum, e) => sum + (e.kind === 'count' ? 0 : onHandChange(e, 0)), start);
}

function runSimulation(commands: readonly Command[]): InventorySimulation {
  const sim = new InventorySimulation();
  for (const command of commands) {
    sim.apply(command);
    for (const warehouseId of WAREHOUSES)
      for (const sku of SKUS) {
        const waiting = sim.queue.some((b) => b.warehouseId === warehouseId && b.sku === sku);
        // no order waits for stock that is sitting available
        if (waiting) expect(sim.available(warehouseId, sku)).toBeLessThanOrEqual(0);
      }
  }
  return sim;
}

const commandsArb = fc.array(commandArb, { minLength: 1, maxLength: 40 });

describe('inventory ledger under random receipts, allocations, cancellations, shipments and counts', () => {
  it('keeps reserved non-negative and equal to reserved minus released minus consumed', () => {
    fc.assert(
      fc.property(commandsArb, (commands) => {
        const sim = runSimulation(commands);
        for (const warehouseId of WAREHOUSES)
          for (const sku of SKUS) {
            const own = sim.entries.filter((e) => e.warehouseId === warehouseId && e.sku === sku);
            const view = sim.view(warehouseId, sku);
            const sum = (kind: StockLedgerEntry['kind']) =>
              own.filter((e) => e.kind === kind).reduce((s, e) => s + Math.abs(reservedChange(e)), 0);
            expect(view.position.reserved).toBeGreaterThanOrEqual(0);
            expect(view.position.reserved).toBe(sum('reservation') - sum('release') - sum('shipment'));
            for (const units of view.openReservations.values()) expect(units).toBeGreaterThan(0);
          }
      }),
    );
  });

  it('accounts for every ordered unit: shipped + still reserved + backordered = ordered, nothing held once cancelled', () => {
    fc.assert(
      fc.property(commandsArb, (commands) => {
        const sim = runSimulation(commands);
        for (const order of sim.orders)
          for (const line of order.lines) {
            const reserved = openReservationOf(
              sim.view(order.warehouseId, line.sku),
              order.orderId,
              line.lineId,
            );
            const waiting = sim.queue
              .filter((b) => b.orderId === order.orderId && b.lineId === line.lineId)
              .reduce((s, b) => s + b.quantity, 0);
            if (order.cancelled) expect([reserved, waiting]).toEqual([0, 0]);
            else expect(line.shipped + reserved + waiting).toBe(line.ordered);
          }
      }),
    );
  });

  it('makes on-hand the ledger sum as defined: last count by business time plus the movements after it', () => {
    fc.assert(
      fc.property(commandsArb, (commands) => {
        const sim = runSimulation(commands);
        for (const warehouseId of WAREHOUSES)
          for (const sku of SKUS) {
            const view = sim.view(warehouseId, sku);
            const own = sim.entries.filter((e) => e.warehouseId === warehouseId && e.sku === sku);
            expect(view.position.onHand).toBe(onHandByDefinition(own));
            expect(view.explained.reduce((s, e) => s + e.onHandDelta, 0)).toBe(view.position.onHand);
            expect(view.position.available).toBe(view.position.onHand - view.position.reserved);
          }
      }),
    );
  });

  it('computes the same position from the ledger in any arrival order as in business-time order', () => {
    fc.assert(
      fc.property(commandsArb, fc.gen(), (commands, gen) => {
        const sim = runSimulation(commands);
        const inBusinessOrder = sortLedger(sim.entries);
        const arrival = gen(fc.shuffledSubarray, sim.entries, {
          minLength: sim.entries.length,
          maxLength: sim.entries.length,
        });
        for (const warehouseId of WAREHOUSES)
          for (const sku of SKUS) {
            const expected = computeStockPosition(warehouseId, sku, inBusinessOrder);
            expect(computeStockPosition(warehouseId, sku, arrival)).toEqual(expected);
            expect(computeStockPosition(warehouseId, sku, [...sim.entries].reverse())).toEqual(expected);
          }
      }),
    );
  });
});
