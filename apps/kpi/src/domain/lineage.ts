import { factsRelevantTo } from './as-of';
import type { KpiFacts, OrderFact, ReturnFact } from './kpi-facts';
import { KpiMetrics, METRIC_NAMES, percentileCont, ratio } from './kpi-metrics';
import { cycleCountsApply, IMPERFECT_RETURN_REASONS, KpiQuery } from './kpi-query';

/** A metric lineage can explain: every §5 metric. */
export type LineageMetric = keyof KpiMetrics;
export const LINEAGE_METRICS: readonly LineageMetric[] = METRIC_NAMES;

/** How a metric's value follows from the numerators and denominators of its facts. */
export type LineageCombination = 'sum' | 'ratio' | 'average';

/** One fact behind a number, what it adds to the numerator and denominator, and its events. */
export interface LineageFact {
  readonly kind:
    | 'order'
    | 'orderLine'
    | 'shipmentLine'
    | 'return'
    | 'returnLine'
    | 'inspection'
    | 'inspectionLine'
    | 'cycleCount';
  /** The fact's natural key (`ORD-1`, `ORD-1/2` for a line, `ORD-1/SHP-1/0` for a shipment line). */
  readonly key: string;
  readonly numerator: number;
  /** Null for a metric that is a plain sum. */
  readonly denominator: number | null;
  /** The fact's fields the metric reads, and what was derived from them (e.g. `onTime`). */
  readonly fact: Readonly<Record<string, unknown>>;
  /** The ids of the events that produced the fact (its aggregate's events, in log order). */
  readonly eventIds: readonly string[];
}

export interface MetricLineage {
  readonly metric: LineageMetric;
  readonly combination: LineageCombination;
  /** Σ numerator over every fact (not just one page). */
  readonly numerator: number;
  /** Σ denominator, or null for a sum. */
  readonly denominator: number | null;
  /** The metric's value from these facts: what `GET /kpis` answers for the same bucket and filters. */
  readonly value: KpiMetrics[LineageMetric];
  readonly facts: readonly LineageFact[];
}

/** The event ids behind an aggregate (`order:ORD-1`, `return:RMA-1`, `count:C-1`). */
export type EventIdsOf = (aggregateKey: string) => readonly string[];

const HOUR_MS = 3_600_000;
const matches = (value: string | null, filter: string | null): boolean => filter === null || value === filter;
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

interface Context {
  readonly facts: KpiFacts;
  readonly query: KpiQuery;
  readonly within: (time: string | null) => boolean;
  readonly eventIdsOf: EventIdsOf;
}

type Row = Omit<LineageFact, 'eventIds'> & { readonly aggregates: readonly string[] };

/**
 * The facts behind one metric of one bucket [startMs, endMs) under the query's filters, with the
 * same selection as the reference computation (contract §5 and the README's filter choices), so
 * that combining their numerators and denominators gives the value `GET /kpis` answers.
 */
export function metricLineage(
  allFacts: KpiFacts,
  query: KpiQuery,
  metric: LineageMetric,
  startMs: number,
  endMs: number,
  eventIdsOf: EventIdsOf,
): MetricLineage {
  const facts = factsRelevantTo(allFacts, startMs, endMs);
  const within = (time: string | null): boolean => {
    if (time === null) return false;
    const ms = Date.parse(time);
    return ms >= startMs && ms < endMs;
  };
  const { combination, rows } = ROWS[metric]({ facts, query, within, eventIdsOf });
  const sorted = [...rows].sort((a, b) =>
    a.kind === b.kind ? compare(a.key, b.key) : compare(a.kind, b.kind),
  );
  const numerator = sum(sorted.map((row) => row.numerator));
  const denominator = combination === 'sum' ? null : sum(sorted.map((row) => row.denominator ?? 0));
  return {
    metric,
    combination,
    numerator,
    denominator,
    value: valueOf(metric, combination, sorted, numerator, denominator, query),
    facts: sorted.map(({ aggregates, ...row }) => ({ ...row, eventIds: aggregates.flatMap(eventIdsOf) })),
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function valueOf(
  metric: LineageMetric,
  combination: LineageCombination,
  rows: readonly Row[],
  numerator: number,
  denominator: number | null,
  query: KpiQuery,
): KpiMetrics[LineageMetric] {
  if (metric === 'inventoryAccuracy' && !cycleCountsApply(query)) return null;
  if (metric === 'orderCycleTimeHours') {
    const hours = rows.map((row) => row.numerator);
    return {
      avg: ratio(numerator, denominator ?? 0),
      p50: percentileCont(hours, 0.5),
      p90: percentileCont(hours, 0.9),
    };
  }
  return combination === 'sum' ? numerator : ratio(numerator, denominator ?? 0);
}

type RowBuilder = (context: Context) => { combination: LineageCombination; rows: Row[] };

/** The orders the filters select (warehouse, channel, and a line of the sku). */
function selectedOrders({ facts, query }: Context): { order: OrderFact; lines: KpiFacts['orderLines'] }[] {
  return facts.orders
    .filter((order) => matches(order.warehouseId, query.warehouseId) && matches(order.channel, query.channel))
    .map((order) => ({
      order,
      lines: facts.orderLines.filter(
        (line) => line.orderId === order.orderId && matches(line.sku, query.sku),
      ),
    }))
    .filter(({ lines }) => lines.length > 0);
}

const orderFields = (order: OrderFact) => ({
  orderId: order.orderId,
  channel: order.channel,
  warehouseId: order.warehouseId,
  placedAt: order.placedAt,
  status: order.status,
});

function placedOrderRows(
  context: Context,
  numeratorOf: (order: OrderFact) => number,
  combination: LineageCombination,
): { combination: LineageCombination; rows: Row[] } {
  const rows = selectedOrders(context)
    .filter(({ order }) => context.within(order.placedAt))
    .map(({ order }) => ({
      kind: 'order' as const,
      key: order.orderId,
      numerator: numeratorOf(order),
      denominator: combination === 'sum' ? null : 1,
      fact: { ...orderFields(order), backorderedAtFirstAttempt: order.backorderedAtFirstAttempt },
      aggregates: [`order:${order.orderId}`],
    }));
  return { combination, rows };
}

function placedLineRows(
  context: Context,
  numeratorOf: (line: KpiFacts['orderLines'][number]) => number,
  combination: LineageCombination,
): { combination: LineageCombination; rows: Row[] } {
  const rows = selectedOrders(context)
    .filter(({ order }) => context.within(order.placedAt))
    .flatMap(({ order, lines }) =>
      lines.map((line) => ({
        kind: 'orderLine' as const,
        key: `${line.orderId}/${line.lineId}`,
        numerator: numeratorOf(line),
        denominator: combination === 'sum' ? null : 1,
        fact: { ...line, placedAt: order.placedAt },
        aggregates: [`order:${order.orderId}`],
      })),
    );
  return { combination, rows };
}

function hasImperfectReturn(facts: KpiFacts, orderId: string): string[] {
  const returnIds = new Set(facts.returns.filter((r) => r.orderId === orderId).map((r) => r.returnId));
  const imperfect = facts.returnLines.filter(
    (line) =>
      returnIds.has(line.returnId) &&
      line.authorizedQuantity > 0 &&
      IMPERFECT_RETURN_REASONS.includes(line.reasonCode),
  );
  return [...new Set(imperfect.map((line) => line.returnId))].sort();
}

function shippedOrderRows(
  context: Context,
  combination: LineageCombination,
  numeratorOf: (order: OrderFact, imperfectReturnIds: readonly string[]) => number,
): { combination: LineageCombination; rows: Row[] } {
  const rows = selectedOrders(context)
    .filter(({ order }) => order.complete && context.within(order.lastShipmentAt))
    .map(({ order }) => {
      const imperfectReturnIds = hasImperfectReturn(context.facts, order.orderId);
      const lastShippedAt = order.lastShipmentAt as string;
      const onTime = Date.parse(lastShippedAt) <= Date.parse(order.promisedShipBy);
      return {
        kind: 'order' as const,
        key: order.orderId,
        numerator: numeratorOf(order, imperfectReturnIds),
        denominator: combination === 'sum' ? null : 1,
        fact: {
          ...orderFields(order),
          lastShippedAt,
          promisedShipBy: order.promisedShipBy,
          onTime,
          shipmentCount: order.shipmentCount,
          backorderedAtFirstAttempt: order.backorderedAtFirstAttempt,
          imperfectReturnIds,
          perfect: isPerfect(order, imperfectReturnIds),
          cycleTimeHours: (Date.parse(lastShippedAt) - Date.parse(order.placedAt)) / HOUR_MS,
        },
        aggregates: [`order:${order.orderId}`, ...imperfectReturnIds.map((id) => `return:${id}`)],
      };
    });
  return { combination, rows };
}

const onTimeOf = (order: OrderFact): boolean =>
  Date.parse(order.lastShipmentAt as string) <= Date.parse(order.promisedShipBy);
const isPerfect = (order: OrderFact, imperfectReturnIds: readonly string[]): boolean =>
  order.backorderedAtFirstAttempt !== true &&
  onTimeOf(order) &&
  order.shipmentCount === 1 &&
  imperfectReturnIds.length === 0;

function shipmentLineRows(context: Context, asDenominator: boolean): Row[] {
  const { facts, query, within } = context;
  return facts.shipmentLines
    .filter(
      (line) =>
        within(line.shippedAt) &&
        matches(line.warehouseId, query.warehouseId) &&
        matches(line.channel, query.channel) &&
        matches(line.sku, query.sku),
    )
    .map((line) => ({
      kind: 'shipmentLine' as const,
      key: `${line.orderId}/${line.shipmentId}/${line.lineNo}`,
      numerator: asDenominator ? 0 : line.quantity,
      denominator: asDenominator ? line.quantity : null,
      fact: { ...line },
      aggregates: [`order:${line.orderId}`],
    }));
}

/** Returns requested in the bucket under the filters (by their order's warehouse and channel as known now). */
function selectedReturns({ facts, query, within }: Context) {
  const orderOf = (r: ReturnFact) => facts.orders.find((order) => order.orderId === r.orderId);
  return facts.returns
    .filter(
      (r) =>
        within(r.requestedAt) &&
        matches(orderOf(r)?.warehouseId ?? r.orderWarehouseId, query.warehouseId) &&
        matches(orderOf(r)?.channel ?? r.channel, query.channel),
    )
    .map((r) => ({
      theReturn: r,
      lines: facts.returnLines.filter((line) => line.returnId === r.returnId && matches(line.sku, query.sku)),
    }));
}

function returnLineRows(context: Context, combination: LineageCombination): Row[] {
  return selectedReturns(context).flatMap(({ theReturn, lines }) =>
    lines.map((line) => ({
      kind: 'returnLine' as const,
      key: `${line.returnId}/${line.lineId}`,
      numerator: line.authorizedQuantity,
      denominator: combination === 'sum' ? null : 0,
      fact: {
        ...line,
        orderId: theReturn.orderId,
        requestedAt: theReturn.requestedAt,
        status: theReturn.status,
      },
      aggregates: [`return:${line.returnId}`],
    })),
  );
}

/** Inspections in the bucket under the filters, with their lines of the sku (those with none left out). */
function selectedInspections({ facts, query, within }: Context) {
  const returnsById = new Map(facts.returns.map((r) => [r.returnId, r]));
  return facts.inspections
    .filter(
      (inspection) =>
        within(inspection.inspectedAt) &&
        matches(inspection.warehouseId, query.warehouseId) &&
        matches(returnsById.get(inspection.returnId)?.channel ?? null, query.channel),
    )
    .map((inspection) => ({
      inspection,
      theReturn: returnsById.get(inspection.returnId),
      lines: facts.inspectionLines.filter(
        (line) => line.inspectionId === inspection.inspectionId && matches(line.sku, query.sku),
      ),
    }))
    .filter(({ lines }) => lines.length > 0);
}

function inspectionLineRows(
  context: Context,
  combination: LineageCombination,
  counted: (line: KpiFacts['inspectionLines'][number]) => { numerator: number; denominator: number | null },
): { combination: LineageCombination; rows: Row[] } {
  const rows = selectedInspections(context).flatMap(({ inspection, lines }) =>
    lines.map((line) => ({
      kind: 'inspectionLine' as const,
      key: `${line.inspectionId}/${line.lineNo}`,
      ...counted(line),
      fact: { ...line, warehouseId: inspection.warehouseId, inspectedAt: inspection.inspectedAt },
      aggregates: [`return:${line.returnId}`],
    })),
  );
  return { combination, rows };
}

const ROWS: Record<LineageMetric, RowBuilder> = {
  ordersPlaced: (c) => placedOrderRows(c, () => 1, 'sum'),
  unitsOrdered: (c) => placedLineRows(c, (line) => line.quantity, 'sum'),
  orderValueMinor: (c) => placedLineRows(c, (line) => line.quantity * line.unitPriceMinor, 'sum'),
  ordersCancelled: (c) => ({
    combination: 'sum',
    rows: selectedOrders(c)
      .filter(({ order }) => order.status === 'CANCELLED' && c.within(order.cancelledAt))
      .map(({ order }) => ({
        kind: 'order' as const,
        key: order.orderId,
        numerator: 1,
        denominator: null,
        fact: { ...orderFields(order), cancelledAt: order.cancelledAt },
        aggregates: [`order:${order.orderId}`],
      })),
  }),
  cancellationRate: (c) => placedOrderRows(c, (order) => (order.status === 'CANCELLED' ? 1 : 0), 'ratio'),
  lineFillRate: (c) =>
    placedLineRows(
      c,
      (line) =>
        line.reservedAtFirstAttempt !== null && line.reservedAtFirstAttempt >= line.quantity ? 1 : 0,
      'ratio',
    ),
  backorderRate: (c) =>
    placedOrderRows(c, (order) => (order.backorderedAtFirstAttempt === true ? 1 : 0), 'ratio'),
  unitsShipped: (c) => ({ combination: 'sum', rows: shipmentLineRows(c, false) }),
  ordersShipped: (c) => shippedOrderRows(c, 'sum', () => 1),
  onTimeShipmentRate: (c) => shippedOrderRows(c, 'ratio', (order) => (onTimeOf(order) ? 1 : 0)),
  orderCycleTimeHours: (c) =>
    shippedOrderRows(
      c,
      'average',
      (order) => (Date.parse(order.lastShipmentAt as string) - Date.parse(order.placedAt)) / HOUR_MS,
    ),
  perfectOrderRate: (c) =>
    shippedOrderRows(c, 'ratio', (order, returns) => (isPerfect(order, returns) ? 1 : 0)),
  unitsReturned: (c) => ({ combination: 'sum', rows: returnLineRows(c, 'sum') }),
  returnRate: (c) => ({
    combination: 'ratio',
    rows: [...returnLineRows(c, 'ratio'), ...shipmentLineRows(c, true)],
  }),
  returnsRejected: (c) => ({
    combination: 'sum',
    rows: selectedReturns(c)
      .filter(({ theReturn, lines }) => theReturn.status === 'REJECTED' && lines.length > 0)
      .map(({ theReturn }) => ({
        kind: 'return' as const,
        key: theReturn.returnId,
        numerator: 1,
        denominator: null,
        fact: { ...theReturn },
        aggregates: [`return:${theReturn.returnId}`],
      })),
  }),
  unitsInspected: (c) =>
    inspectionLineRows(c, 'sum', (line) => ({ numerator: line.quantity, denominator: null })),
  restockRate: (c) =>
    inspectionLineRows(c, 'ratio', (line) => ({
      numerator: line.disposition === 'RESTOCK' ? line.quantity : 0,
      denominator: line.quantity,
    })),
  recoveryRate: (c) =>
    inspectionLineRows(c, 'ratio', (line) => ({
      numerator: line.recoveredValueMinor,
      denominator: line.quantity * line.unitPriceMinor,
    })),
  returnProcessingHours: (c) => ({
    combination: 'average',
    rows: selectedInspections(c)
      .filter(({ theReturn }) => (theReturn?.firstReceivedAt ?? null) !== null)
      .map(({ inspection, theReturn }) => {
        const firstReceivedAt = (theReturn as ReturnFact).firstReceivedAt as string;
        return {
          kind: 'inspection' as const,
          key: inspection.inspectionId,
          numerator: (Date.parse(inspection.inspectedAt) - Date.parse(firstReceivedAt)) / HOUR_MS,
          denominator: 1,
          fact: { ...inspection, firstReceivedAt },
          aggregates: [`return:${inspection.returnId}`],
        };
      }),
  }),
  inventoryAccuracy: (c) => ({
    combination: 'ratio',
    rows: !cycleCountsApply(c.query)
      ? []
      : c.facts.cycleCounts
          .filter(
            (count) =>
              c.within(count.countedAt) &&
              matches(count.warehouseId, c.query.warehouseId) &&
              matches(count.sku, c.query.sku),
          )
          .map((count) => ({
            kind: 'cycleCount' as const,
            key: count.countId,
            numerator: count.accurate ? 1 : 0,
            denominator: 1,
            fact: { ...count },
            aggregates: [`count:${count.countId}`],
          })),
  }),
};
