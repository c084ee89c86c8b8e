import { planBuckets } from './kpi-buckets';
import type { KpiFacts, OrderFact, ReturnFact } from './kpi-facts';
import {
  average,
  emptyCounts,
  KpiCounts,
  KpiMetrics,
  metricsFromCounts,
  percentileCont,
} from './kpi-metrics';
import { cycleCountsApply, IMPERFECT_RETURN_REASONS, KpiQuery, KpiReport } from './kpi-query';

/**
 * The §5 definitions computed directly over a list of facts, one bucket at a time: slow and
 * obviously right. The SQL read model is tested against it.
 */
export function computeKpisReference(facts: KpiFacts, query: KpiQuery): KpiReport {
  const fromMs = Date.parse(query.from);
  const toMs = Date.parse(query.to);
  const plan = planBuckets(fromMs, toMs, query.granularity);
  if (!plan.ok) throw new Error(`no buckets: ${plan.reason}`);
  const metricsOf = (startMs: number, endMs: number): KpiMetrics =>
    metricsFromCounts(countFacts(facts, query, startMs, endMs), { cycleCounts: cycleCountsApply(query) });
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    granularity: query.granularity,
    filters: { warehouseId: query.warehouseId, sku: query.sku, channel: query.channel },
    buckets: plan.buckets.map((bucket) => ({
      start: bucket.start,
      end: bucket.end,
      // only facts inside [from, to) count, also in an edge bucket that reaches outside it
      metrics: metricsOf(Math.max(Date.parse(bucket.start), fromMs), Math.min(Date.parse(bucket.end), toMs)),
    })),
    totals: metricsOf(fromMs, toMs),
  };
}

const HOUR_MS = 3_600_000;
const matches = (value: string | null, filter: string | null): boolean => filter === null || value === filter;
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** `items` by key, each group in input order (lookups by id stay linear over many facts). */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/** Everything §5 counts over the facts whose bracketed time is in [startMs, endMs). */
export function countFacts(facts: KpiFacts, query: KpiQuery, startMs: number, endMs: number): KpiCounts {
  const within = (time: string | null): boolean => {
    if (time === null) return false;
    const ms = Date.parse(time);
    return ms >= startMs && ms < endMs;
  };
  const counts = emptyCounts();
  countOrders(facts, query, within, counts);
  countShipmentsAndReturns(facts, query, within, counts);
  countInspections(facts, query, within, counts);
  const cycleCounts = facts.cycleCounts.filter(
    (count) =>
      within(count.countedAt) &&
      matches(count.warehouseId, query.warehouseId) &&
      matches(count.sku, query.sku),
  );
  counts.cycleCounts = cycleCounts.length;
  counts.cycleCountsAccurate = cycleCounts.filter((count) => count.accurate).length;
  return counts;
}

function countOrders(
  facts: KpiFacts,
  query: KpiQuery,
  within: (time: string | null) => boolean,
  counts: KpiCounts,
): void {
  const linesByOrder = groupBy(facts.orderLines, (line) => line.orderId);
  const linesOf = (order: OrderFact) =>
    (linesByOrder.get(order.orderId) ?? []).filter((line) => matches(line.sku, query.sku));
  const imperfect = ordersWithImperfectReturn(facts);
  const selected = facts.orders.filter(
    (order) =>
      matches(order.warehouseId, query.warehouseId) &&
      matches(order.channel, query.channel) &&
      linesOf(order).length > 0,
  );

  const placed = selected.filter((order) => within(order.placedAt));
  const placedLines = placed.flatMap(linesOf);
  counts.ordersPlaced = placed.length;
  counts.unitsOrdered = sum(placedLines.map((line) => line.quantity));
  counts.orderValueMinor = sum(placedLines.map((line) => line.quantity * line.unitPriceMinor));
  counts.ordersPlacedNowCancelled = placed.filter((order) => order.status === 'CANCELLED').length;
  counts.ordersPlacedBackordered = placed.filter((order) => order.backorderedAtFirstAttempt === true).length;
  counts.orderLines = placedLines.length;
  counts.orderLinesFilledAtFirstAttempt = placedLines.filter(
    (line) => line.reservedAtFirstAttempt !== null && line.reservedAtFirstAttempt >= line.quantity,
  ).length;

  counts.ordersCancelled = selected.filter(
    (order) => order.status === 'CANCELLED' && within(order.cancelledAt),
  ).length;

  const shipped = selected.filter((order) => order.complete && within(order.lastShipmentAt));
  const onTime = (order: OrderFact): boolean =>
    Date.parse(order.lastShipmentAt as string) <= Date.parse(order.promisedShipBy);
  const cycleHours = shipped.map(
    (order) => (Date.parse(order.lastShipmentAt as string) - Date.parse(order.placedAt)) / HOUR_MS,
  );
  counts.ordersShipped = shipped.length;
  counts.ordersShippedOnTime = shipped.filter(onTime).length;
  counts.ordersShippedPerfect = shipped.filter(
    (order) =>
      order.backorderedAtFirstAttempt !== true &&
      onTime(order) &&
      order.shipmentCount === 1 &&
      !imperfect.has(order.orderId),
  ).length;
  counts.cycleTimeHours = {
    avg: average(cycleHours),
    p50: percentileCont(cycleHours, 0.5),
    p90: percentileCont(cycleHours, 0.9),
  };
}

/** The orders with an authorized return line of an imperfect reason. */
function ordersWithImperfectReturn(facts: KpiFacts): Set<string> {
  const orderOfReturn = new Map(facts.returns.map((r) => [r.returnId, r.orderId]));
  const orders = new Set<string>();
  for (const line of facts.returnLines) {
    const orderId = orderOfReturn.get(line.returnId);
    if (
      orderId !== undefined &&
      line.authorizedQuantity > 0 &&
      IMPERFECT_RETURN_REASONS.includes(line.reasonCode)
    )
      orders.add(orderId);
  }
  return orders;
}

function countShipmentsAndReturns(
  facts: KpiFacts,
  query: KpiQuery,
  within: (time: string | null) => boolean,
  counts: KpiCounts,
): void {
  counts.unitsShipped = sum(
    facts.shipmentLines
      .filter(
        (line) =>
          within(line.shippedAt) &&
          matches(line.warehouseId, query.warehouseId) &&
          matches(line.channel, query.channel) &&
          matches(line.sku, query.sku),
      )
      .map((line) => line.quantity),
  );
  // the order's warehouse and channel as the order facts know them now (the return's snapshot may
  // predate the order's allocation)
  const ordersById = new Map<string, OrderFact>();
  // the first order fact of an id, as `find` would give
  for (const order of facts.orders) if (!ordersById.has(order.orderId)) ordersById.set(order.orderId, order);
  const orderOf = (r: ReturnFact) => ordersById.get(r.orderId);
  const returns = facts.returns.filter(
    (r) =>
      within(r.requestedAt) &&
      matches(orderOf(r)?.warehouseId ?? r.orderWarehouseId, query.warehouseId) &&
      matches(orderOf(r)?.channel ?? r.channel, query.channel),
  );
  const linesByReturn = groupBy(facts.returnLines, (line) => line.returnId);
  const linesOf = (r: ReturnFact) =>
    (linesByReturn.get(r.returnId) ?? []).filter((line) => matches(line.sku, query.sku));
  counts.unitsReturned = sum(returns.flatMap(linesOf).map((line) => line.authorizedQuantity));
  counts.returnsRejected = returns.filter((r) => r.status === 'REJECTED' && linesOf(r).length > 0).length;
}

function countInspections(
  facts: KpiFacts,
  query: KpiQuery,
  within: (time: string | null) => boolean,
  counts: KpiCounts,
): void {
  const returnsById = new Map(facts.returns.map((r) => [r.returnId, r]));
  const linesByInspection = groupBy(facts.inspectionLines, (line) => line.inspectionId);
  const processingHours: number[] = [];
  for (const inspection of facts.inspections) {
    const theReturn = returnsById.get(inspection.returnId);
    if (
      !within(inspection.inspectedAt) ||
      !matches(inspection.warehouseId, query.warehouseId) ||
      !matches(theReturn?.channel ?? null, query.channel)
    )
      continue;
    const lines = (linesByInspection.get(inspection.inspectionId) ?? []).filter((line) =>
      matches(line.sku, query.sku),
    );
    if (lines.length === 0) continue;
    counts.unitsInspected += sum(lines.map((line) => line.quantity));
    counts.unitsRestocked += sum(
      lines.filter((line) => line.disposition === 'RESTOCK').map((line) => line.quantity),
    );
    counts.recoveredValueMinor += sum(lines.map((line) => line.recoveredValueMinor));
    counts.inspectedValueMinor += sum(lines.map((line) => line.quantity * line.unitPriceMinor));
    const firstReceivedAt = theReturn?.firstReceivedAt ?? null;
    if (firstReceivedAt !== null)
      processingHours.push((Date.parse(inspection.inspectedAt) - Date.parse(firstReceivedAt)) / HOUR_MS);
  }
  counts.returnProcessingHours = average(processingHours);
}
