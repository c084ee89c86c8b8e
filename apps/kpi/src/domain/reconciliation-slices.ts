import type {
  CycleCountFact,
  InspectionFact,
  KpiFacts,
  OrderFact,
  ReturnFact,
  ShipmentLineFact,
} from './kpi-facts';
import { groupBy } from './kpi-reference';

export const DAY_MS = 86_400_000;

/** The UTC day (its start in ms) a business time falls in. */
export const dayOf = (time: string): number => Math.floor(Date.parse(time) / DAY_MS) * DAY_MS;

interface DaySeeds {
  readonly orderIds: Set<string>;
  readonly returnIds: Set<string>;
  readonly inspections: InspectionFact[];
  readonly shipmentLines: ShipmentLineFact[];
  readonly cycleCounts: CycleCountFact[];
}

/**
 * The facts cut into UTC days, so that the reference computation (which scans every fact per bucket
 * and joins by scanning too) runs over one day's facts at a time instead of the whole history.
 *
 * A day's slice holds every fact whose bracketed time (§5) is in that day, plus what those facts are
 * counted with: an order's lines and returns (a damaged return makes it imperfect), a return's order
 * (its warehouse and channel) and lines, an inspection's return and lines. Facts pulled in only as
 * context have their own times elsewhere, and the reference counts a fact only when its time is in
 * the bucket, so the day's metrics over the slice equal the metrics over all facts.
 */
export class DailyFactSlices {
  private readonly days = new Map<number, DaySeeds>();
  private readonly orders: Map<string, OrderFact>;
  private readonly returns: Map<string, ReturnFact>;
  private readonly linesByOrder: Map<string, KpiFacts['orderLines'][number][]>;
  private readonly returnsByOrder: Map<string, ReturnFact[]>;
  private readonly linesByReturn: Map<string, KpiFacts['returnLines'][number][]>;
  private readonly linesByInspection: Map<string, KpiFacts['inspectionLines'][number][]>;

  constructor(facts: KpiFacts) {
    this.orders = new Map(facts.orders.map((order) => [order.orderId, order]));
    this.returns = new Map(facts.returns.map((r) => [r.returnId, r]));
    this.linesByOrder = groupBy(facts.orderLines, (line) => line.orderId);
    this.returnsByOrder = groupBy(facts.returns, (r) => r.orderId);
    this.linesByReturn = groupBy(facts.returnLines, (line) => line.returnId);
    this.linesByInspection = groupBy(facts.inspectionLines, (line) => line.inspectionId);
    for (const order of facts.orders)
      for (const time of [order.placedAt, order.cancelledAt, order.lastShipmentAt])
        if (time !== null) this.seedsOf(time).orderIds.add(order.orderId);
    for (const r of facts.returns) this.seedsOf(r.requestedAt).returnIds.add(r.returnId);
    for (const inspection of facts.inspections)
      this.seedsOf(inspection.inspectedAt).inspections.push(inspection);
    for (const line of facts.shipmentLines) this.seedsOf(line.shippedAt).shipmentLines.push(line);
    for (const count of facts.cycleCounts) this.seedsOf(count.countedAt).cycleCounts.push(count);
  }

  /** The first and last day that has a fact, or null when there are none. */
  dayRange(): { firstDay: number; lastDay: number } | null {
    if (this.days.size === 0) return null;
    const days = [...this.days.keys()];
    return { firstDay: Math.min(...days), lastDay: Math.max(...days) };
  }

  /** The facts the metrics of the UTC day starting at `dayStartMs` are computed from. */
  sliceOf(dayStartMs: number): KpiFacts {
    const seeds = this.days.get(dayStartMs);
    if (seeds === undefined) return emptyFacts();
    const orderIds = new Set(seeds.orderIds);
    const returnIds = new Set(seeds.returnIds);
    for (const returnId of seeds.returnIds) {
      const orderId = this.returns.get(returnId)?.orderId;
      if (orderId !== undefined) orderIds.add(orderId);
    }
    for (const orderId of seeds.orderIds)
      for (const r of this.returnsByOrder.get(orderId) ?? []) returnIds.add(r.returnId);
    for (const inspection of seeds.inspections) returnIds.add(inspection.returnId);
    const defined = <T>(value: T | undefined): value is T => value !== undefined;
    return {
      orders: [...orderIds].map((id) => this.orders.get(id)).filter(defined),
      orderLines: [...orderIds].flatMap((id) => this.linesByOrder.get(id) ?? []),
      shipmentLines: seeds.shipmentLines,
      returns: [...returnIds].map((id) => this.returns.get(id)).filter(defined),
      returnLines: [...returnIds].flatMap((id) => this.linesByReturn.get(id) ?? []),
      inspections: seeds.inspections,
      inspectionLines: seeds.inspections.flatMap((i) => this.linesByInspection.get(i.inspectionId) ?? []),
      cycleCounts: seeds.cycleCounts,
      positions: [],
    };
  }

  private seedsOf(time: string): DaySeeds {
    const day = dayOf(time);
    let seeds = this.days.get(day);
    if (seeds === undefined) {
      seeds = {
        orderIds: new Set(),
        returnIds: new Set(),
        inspections: [],
        shipmentLines: [],
        cycleCounts: [],
      };
      this.days.set(day, seeds);
    }
    return seeds;
  }
}

function emptyFacts(): KpiFacts {
  return {
    orders: [],
    orderLines: [],
    shipmentLines: [],
    returns: [],
    returnLines: [],
    inspections: [],
    inspectionLines: [],
    cycleCounts: [],
    positions: [],
  };
}
