import {
  INVENTORY_POSITION_CHANGED_V1,
  INVENTORY_STOCK_COUNTED_V1,
  type InventoryPositionChangedV1,
  type InventoryStockCountedV1,
} from '@opsline/contracts';
import { planBuckets } from './kpi-buckets';
import { KPI_CSV_METRIC_COLUMNS, metricCells, toCsv } from './kpi-csv';
import type { KpiFacts, OrderFact, ReturnFact } from './kpi-facts';
import { CycleTimeHours, KpiMetrics, METRIC_NAMES, metricsFromCounts } from './kpi-metrics';
import { cycleCountsApply, KpiBucketReport, KpiQuery, KpiReport } from './kpi-query';
import { countFacts } from './kpi-reference';
import { applyDomainEvent, DomainEventLike, InMemoryFactStore } from './in-memory-fact-store';

/** One applied domain event as the journal keeps it. */
export interface JournalEntry extends DomainEventLike {
  readonly subject: string;
  /** The Kafka record timestamp: from then on the event was on the topic, known to the read models. */
  readonly knownSince: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string | null;
}

/** The aggregate an event is about, as lineage names it (`order:ORD-1`, `return:RMA-7`, `count:C-1`). */
export function aggregateKeyOf(event: DomainEventLike): string | null {
  const data = event.data as Record<string, unknown>;
  if (event.type.startsWith('opsline.orders.')) return `order:${String(data.orderId)}`;
  if (event.type.startsWith('opsline.returns.')) return `return:${String(data.returnId)}`;
  if (event.type === INVENTORY_STOCK_COUNTED_V1)
    return `count:${(event.data as InventoryStockCountedV1).countId}`;
  if (event.type === INVENTORY_POSITION_CHANGED_V1) {
    const position = event.data as InventoryPositionChangedV1;
    return `position:${position.warehouseId}/${position.sku}`;
  }
  return null;
}

/**
 * The journal replayed in log order onto in-memory facts with the projections the Kafka handlers
 * use (so the same upsert rules), remembering which events produced each aggregate's facts.
 * An event id is applied once: the journal holds an event twice when it was delivered again after
 * its inbox row was pruned (a consumer group reset past the inbox retention).
 */
export class JournalReplay {
  private readonly store = new InMemoryFactStore();
  private readonly eventIds = new Map<string, string[]>();
  private readonly seen = new Set<string>();

  apply(entries: readonly DomainEventLike[]): void {
    for (const entry of entries) {
      if (this.seen.has(entry.id)) continue;
      this.seen.add(entry.id);
      applyDomainEvent(this.store, entry);
      const key = aggregateKeyOf(entry);
      if (key === null) continue;
      const ids = this.eventIds.get(key);
      if (ids === undefined) this.eventIds.set(key, [entry.id]);
      else ids.push(entry.id);
    }
  }

  get eventsApplied(): number {
    return this.seen.size;
  }

  facts(): KpiFacts {
    return this.store.facts();
  }

  /** The ids of the events that produced an aggregate's facts, in log order. */
  eventIdsOf(aggregateKey: string): readonly string[] {
    return this.eventIds.get(aggregateKey) ?? [];
  }
}

const inRange = (time: string | null, startMs: number, endMs: number): boolean => {
  if (time === null) return false;
  const ms = Date.parse(time);
  return ms >= startMs && ms < endMs;
};

/**
 * The facts that §5 can count for [startMs, endMs): those with a bracketed time inside, plus what
 * they are joined to (an order's lines and returns, a return's order, an inspection's return). The
 * reference computation gives the same answer over them as over all facts, and is quick on them.
 */
export function factsRelevantTo(facts: KpiFacts, startMs: number, endMs: number): KpiFacts {
  const within = (time: string | null): boolean => inRange(time, startMs, endMs);
  const inspections = facts.inspections.filter((inspection) => within(inspection.inspectedAt));
  const requested = facts.returns.filter((r) => within(r.requestedAt));
  const orderIds = new Set<string>(requested.map((r) => r.orderId));
  for (const order of facts.orders)
    if (within(order.placedAt) || within(order.cancelledAt) || within(order.lastShipmentAt))
      orderIds.add(order.orderId);
  const inspectedReturnIds = new Set(inspections.map((inspection) => inspection.returnId));
  const returns = facts.returns.filter(
    (r: ReturnFact) => within(r.requestedAt) || orderIds.has(r.orderId) || inspectedReturnIds.has(r.returnId),
  );
  const returnIds = new Set(returns.map((r) => r.returnId));
  const inspectionIds = new Set(inspections.map((inspection) => inspection.inspectionId));
  return {
    orders: facts.orders.filter((order: OrderFact) => orderIds.has(order.orderId)),
    orderLines: facts.orderLines.filter((line) => orderIds.has(line.orderId)),
    shipmentLines: facts.shipmentLines.filter((line) => within(line.shippedAt)),
    returns,
    returnLines: facts.returnLines.filter((line) => returnIds.has(line.returnId)),
    inspections,
    inspectionLines: facts.inspectionLines.filter((line) => inspectionIds.has(line.inspectionId)),
    cycleCounts: facts.cycleCounts.filter((count) => within(count.countedAt)),
    positions: [],
  };
}

/**
 * `computeKpisReference` over facts narrowed first to the range, then to each bucket: the same
 * answer, without comparing every order with every line of the whole history in every bucket.
 */
export function computeKpisFromFacts(facts: KpiFacts, query: KpiQuery): KpiReport {
  const fromMs = Date.parse(query.from);
  const toMs = Date.parse(query.to);
  const plan = planBuckets(fromMs, toMs, query.granularity);
  if (!plan.ok) throw new Error(`no buckets: ${plan.reason}`);
  const ranged = factsRelevantTo(facts, fromMs, toMs);
  const applies = { cycleCounts: cycleCountsApply(query) };
  const metricsOf = (startMs: number, endMs: number): KpiMetrics =>
    metricsFromCounts(countFacts(factsRelevantTo(ranged, startMs, endMs), query, startMs, endMs), applies);
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    granularity: query.granularity,
    filters: { warehouseId: query.warehouseId, sku: query.sku, channel: query.channel },
    buckets: plan.buckets.map((bucket) => ({
      start: bucket.start,
      end: bucket.end,
      metrics: metricsOf(Math.max(Date.parse(bucket.start), fromMs), Math.min(Date.parse(bucket.end), toMs)),
    })),
    totals: metricsOf(fromMs, toMs),
  };
}

/** Equal up to floating-point noise (SQL sums and divides in another order than the replay). */
function sameNumber(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Whether two metrics objects state the same numbers. */
export function sameMetrics(a: KpiMetrics, b: KpiMetrics): boolean {
  return METRIC_NAMES.every((name) => {
    const [x, y] = [a[name], b[name]];
    if (typeof x === 'object' && x !== null) {
      const [cx, cy] = [x, y as CycleTimeHours];
      return sameNumber(cx.avg, cy.avg) && sameNumber(cx.p50, cy.p50) && sameNumber(cx.p90, cy.p90);
    }
    return sameNumber(x, y as number | null);
  });
}

export interface AsOfBucketReport extends KpiBucketReport {
  /** True when the metrics of this bucket today differ from what was known at `asOf`. */
  readonly restated: boolean;
}

/** A `GET /kpis?asOf=` answer: the KPIs as known at `asOf`, each bucket marked if restated since. */
export interface AsOfKpiReport extends Omit<KpiReport, 'buckets'> {
  readonly asOf: string;
  readonly buckets: readonly AsOfBucketReport[];
  /** True when the totals today differ from the totals known at `asOf`. */
  readonly totalsRestated: boolean;
  /** How many journal entries (events known at `asOf`) the answer was replayed from. */
  readonly eventsReplayed: number;
}

/** Marks each bucket of the as-of answer whose metrics differ from the current answer's same bucket. */
export function markRestated(
  asOfReport: KpiReport,
  current: KpiReport,
  asOf: string,
  eventsReplayed: number,
): AsOfKpiReport {
  const currentByStart = new Map(current.buckets.map((bucket) => [bucket.start, bucket.metrics]));
  return {
    ...asOfReport,
    asOf,
    eventsReplayed,
    buckets: asOfReport.buckets.map((bucket) => {
      const now = currentByStart.get(bucket.start);
      return { ...bucket, restated: now === undefined || !sameMetrics(bucket.metrics, now) };
    }),
    totalsRestated: !sameMetrics(asOfReport.totals, current.totals),
  };
}

/** `GET /kpis?asOf=` as CSV: the `GET /kpis` columns, then `restated` (true/false) per bucket. */
export function asOfReportCsv(report: AsOfKpiReport): string {
  return toCsv(
    ['start', 'end', ...KPI_CSV_METRIC_COLUMNS, 'restated'],
    report.buckets.map((bucket) => [
      bucket.start,
      bucket.end,
      ...metricCells(bucket.metrics),
      bucket.restated,
    ]),
  );
}
