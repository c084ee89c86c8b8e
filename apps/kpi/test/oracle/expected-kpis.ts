/**
 * The contract's §5 metrics computed straight from the ingest events of a scenario, independently
 * of every opsline service: its own reading of allocation, order lifecycle, return policy and the
 * stock fold, in plain TypeScript. It relies on the scenario's guarantees (see `scenario.ts`):
 * plentiful SKUs are always reserved, `SKU-Z*` never; an order without a warehouse goes to WH-1;
 * shipments, receipts and inspections happen at the order's warehouse.
 */
import { DAY, HOUR, onHandAt, ScenarioEvent } from './scenario';

export type Granularity = 'hour' | 'day' | 'week' | 'month';

export interface KpiQuery {
  readonly from: string;
  readonly to: string;
  readonly granularity: Granularity;
  readonly warehouseId?: string;
  readonly sku?: string;
  readonly channel?: string;
}

export type Metrics = Record<
  string,
  number | null | { avg: number | null; p50: number | null; p90: number | null }
>;

interface OrderLine {
  lineId: string;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
}

interface OrderFacts {
  orderId: string;
  placedAt: number;
  channel: string;
  warehouseId: string;
  promisedShipBy: number;
  lines: OrderLine[];
  shipments: { at: number; lines: { lineId: string; sku: string; quantity: number }[] }[];
  cancelledAt?: number;
}

interface ReturnFacts {
  order: OrderFacts;
  requestedAt: number;
  lines: { lineId: string; sku: string; quantity: number; reasonCode: string }[];
  authorized: boolean;
}

interface InspectionFacts {
  ret: ReturnFacts;
  at: number;
  warehouseId: string;
  lines: {
    sku: string;
    lineId: string;
    quantity: number;
    disposition: string;
    recoveredValueMinor: number;
  }[];
}

const WINDOW_MS = 30 * DAY;
const PERFECT_ORDER_KILLERS = new Set(['DAMAGED', 'DEFECTIVE', 'WRONG_ITEM']);

/** Every fact the metrics need, from the events (duplicates by id count once, any order). */
export function scenarioFacts(events: readonly ScenarioEvent[]) {
  const unique = [...new Map(events.map((item) => [item.event.id, item])).values()];
  const byType = (type: string) =>
    unique.filter((item) => item.event.type === type).map((item) => item.event);
  const orders = new Map<string, OrderFacts>();
  for (const event of byType('opsline.order.placed.v1')) {
    const data = event.data as {
      orderId: string;
      channel: string;
      promisedShipBy: string;
      warehouseId?: string;
      lines: OrderLine[];
    };
    orders.set(data.orderId, {
      orderId: data.orderId,
      placedAt: Date.parse(event.time),
      channel: data.channel,
      warehouseId: data.warehouseId ?? 'WH-1',
      promisedShipBy: Date.parse(data.promisedShipBy),
      lines: data.lines,
      shipments: [],
    });
  }
  for (const event of byType('opsline.wms.shipment-confirmed.v1')) {
    const data = event.data as { orderId: string; lines: OrderFacts['shipments'][number]['lines'] };
    orders.get(data.orderId)?.shipments.push({ at: Date.parse(event.time), lines: data.lines });
  }
  for (const event of byType('opsline.order.cancelled.v1')) {
    const order = orders.get((event.data as { orderId: string }).orderId);
    if (order !== undefined) order.cancelledAt = Date.parse(event.time);
  }
  const returns = new Map<string, ReturnFacts>();
  for (const event of byType('opsline.return.requested.v1')) {
    const data = event.data as { returnId: string; orderId: string; lines: ReturnFacts['lines'] };
    const order = orders.get(data.orderId);
    if (order === undefined) throw new Error(`scenario return ${data.returnId} of an unknown order`);
    const requestedAt = Date.parse(event.time);
    const authorized = data.lines.every((line) => {
      const shipped = order.shipments.flatMap((s) =>
        s.lines.filter((l) => l.lineId === line.lineId).map((l) => ({ at: s.at, quantity: l.quantity })),
      );
      const units = shipped.reduce((sum, s) => sum + s.quantity, 0);
      const lastShippedAt = Math.max(...shipped.map((s) => s.at));
      return units > 0 && line.quantity <= units && requestedAt - lastShippedAt <= WINDOW_MS;
    });
    returns.set(data.returnId, { order, requestedAt, lines: data.lines, authorized });
  }
  const firstReceipt = new Map<string, number>();
  for (const event of byType('opsline.wms.return-received.v1')) {
    const returnId = (event.data as { returnId: string }).returnId;
    firstReceipt.set(returnId, Math.min(firstReceipt.get(returnId) ?? Infinity, Date.parse(event.time)));
  }
  const inspections: (InspectionFacts & { firstReceivedAt: number })[] = [];
  for (const event of byType('opsline.wms.return-inspected.v1')) {
    const data = event.data as { returnId: string; warehouseId: string; lines: InspectionFacts['lines'] };
    const ret = returns.get(data.returnId);
    if (ret === undefined || !ret.authorized)
      throw new Error(`scenario inspects ${data.returnId}, not authorized`);
    inspections.push({
      ret,
      at: Date.parse(event.time),
      warehouseId: data.warehouseId,
      lines: data.lines,
      firstReceivedAt: firstReceipt.get(data.returnId) ?? NaN,
    });
  }
  const counts = byType('opsline.wms.stock-counted.v1').map((event) => {
    const data = event.data as { warehouseId: string; sku: string; countedQuantity: number };
    const at = Date.parse(event.time);
    return {
      at,
      warehouseId: data.warehouseId,
      sku: data.sku,
      accurate: onHandAt(unique, [], data.warehouseId, data.sku, at) === data.countedQuantity,
    };
  });
  return { orders: [...orders.values()], returns: [...returns.values()], inspections, counts };
}

/** Derived order state: the orders service's rules as the contract states them. */
function orderState(order: OrderFacts) {
  const ordered = order.lines.reduce((sum, line) => sum + line.quantity, 0);
  const shipped = order.shipments.reduce((sum, s) => sum + s.lines.reduce((n, l) => n + l.quantity, 0), 0);
  const cancelled = order.cancelledAt !== undefined && shipped < ordered;
  const complete = shipped > 0 && (cancelled || shipped === ordered);
  const lastShipmentAt =
    order.shipments.length === 0 ? undefined : Math.max(...order.shipments.map((s) => s.at));
  const backordered = order.lines.some((line) => line.sku.startsWith('SKU-Z'));
  return {
    cancelled,
    complete,
    lastShipmentAt,
    backordered,
    onTime: lastShipmentAt !== undefined && lastShipmentAt <= order.promisedShipBy,
  };
}

/** Bucket starts from `from` (inclusive) to `to` (exclusive), aligned to UTC; weeks start Monday. */
export function bucketStarts(query: KpiQuery): { start: number; end: number }[] {
  const buckets: { start: number; end: number }[] = [];
  const to = Date.parse(query.to);
  let start = align(Date.parse(query.from), query.granularity);
  while (start < to) {
    const end = next(start, query.granularity);
    buckets.push({ start, end });
    start = end;
  }
  return buckets;
}

function align(time: number, granularity: Granularity): number {
  const d = new Date(time);
  switch (granularity) {
    case 'hour':
      return Math.floor(time / HOUR) * HOUR;
    case 'day':
      return Math.floor(time / DAY) * DAY;
    case 'week':
      return Math.floor(time / DAY) * DAY - ((d.getUTCDay() + 6) % 7) * DAY;
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

function next(start: number, granularity: Granularity): number {
  if (granularity === 'month') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + { hour: HOUR, day: DAY, week: 7 * DAY }[granularity];
}

/** PostgreSQL `percentile_cont`: linear interpolation between the closest ranks. */
export function percentileCont(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;
const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** Every §5 metric over business times in [start, end) under the query's filters. */
export function metricsBetween(
  facts: ReturnType<typeof scenarioFacts>,
  query: KpiQuery,
  start: number,
  end: number,
): Metrics {
  const inRange = (time: number | undefined) => time !== undefined && time >= start && time < end;
  const orderMatches = (order: OrderFacts) =>
    (query.warehouseId === undefined || order.warehouseId === query.warehouseId) &&
    (query.channel === undefined || order.channel === query.channel) &&
    (query.sku === undefined || order.lines.some((line) => line.sku === query.sku));
  const skuMatches = (sku: string) => query.sku === undefined || sku === query.sku;
  const orders = facts.orders.filter(orderMatches).map((order) => ({ order, state: orderState(order) }));

  const placed = orders.filter(({ order }) => inRange(order.placedAt));
  const placedLines = placed.flatMap(({ order }) => order.lines.filter((line) => skuMatches(line.sku)));
  const shipped = orders.filter(({ state }) => state.complete && inRange(state.lastShipmentAt));
  const cycleHours = shipped.map(({ order, state }) => ((state.lastShipmentAt ?? 0) - order.placedAt) / HOUR);
  const shipmentUnits = sum(
    orders.flatMap(({ order }) =>
      order.shipments
        .filter((s) => inRange(s.at))
        .flatMap((s) => s.lines.filter((l) => skuMatches(l.sku)).map((l) => l.quantity)),
    ),
  );
  const killers = new Set(
    facts.returns
      .filter((r) => r.authorized && r.lines.some((line) => PERFECT_ORDER_KILLERS.has(line.reasonCode)))
      .map((r) => r.order.orderId),
  );
  const returns = facts.returns.filter((r) => orderMatches(r.order) && inRange(r.requestedAt));
  const unitsReturned = sum(
    returns
      .filter((r) => r.authorized)
      .flatMap((r) => r.lines.filter((l) => skuMatches(l.sku)).map((l) => l.quantity)),
  );
  const inspections = facts.inspections.filter(
    (i) =>
      inRange(i.at) &&
      (query.warehouseId === undefined || i.warehouseId === query.warehouseId) &&
      (query.channel === undefined || i.ret.order.channel === query.channel) &&
      (query.sku === undefined || i.lines.some((line) => line.sku === query.sku)),
  );
  const inspectedLines = inspections.flatMap((i) =>
    i.lines
      .filter((line) => skuMatches(line.sku))
      .map((line) => ({
        ...line,
        unitPriceMinor: i.ret.order.lines.find((l) => l.lineId === line.lineId)?.unitPriceMinor ?? NaN,
      })),
  );
  const unitsInspected = sum(inspectedLines.map((line) => line.quantity));
  const counts = facts.counts.filter(
    (c) =>
      inRange(c.at) &&
      (query.warehouseId === undefined || c.warehouseId === query.warehouseId) &&
      skuMatches(c.sku),
  );

  return {
    ordersPlaced: placed.length,
    unitsOrdered: sum(placedLines.map((line) => line.quantity)),
    orderValueMinor: sum(placedLines.map((line) => line.quantity * line.unitPriceMinor)),
    ordersCancelled: orders.filter(({ state, order }) => state.cancelled && inRange(order.cancelledAt))
      .length,
    cancellationRate: ratio(placed.filter(({ state }) => state.cancelled).length, placed.length),
    lineFillRate: ratio(
      placedLines.filter((line) => !line.sku.startsWith('SKU-Z')).length,
      placedLines.length,
    ),
    backorderRate: ratio(placed.filter(({ state }) => state.backordered).length, placed.length),
    unitsShipped: shipmentUnits,
    ordersShipped: shipped.length,
    onTimeShipmentRate: ratio(shipped.filter(({ state }) => state.onTime).length, shipped.length),
    orderCycleTimeHours: {
      avg: cycleHours.length === 0 ? null : sum(cycleHours) / cycleHours.length,
      p50: percentileCont(cycleHours, 0.5),
      p90: percentileCont(cycleHours, 0.9),
    },
    perfectOrderRate: ratio(
      shipped.filter(
        ({ order, state }) =>
          !state.backordered && state.onTime && order.shipments.length === 1 && !killers.has(order.orderId),
      ).length,
      shipped.length,
    ),
    unitsReturned,
    returnRate: ratio(unitsReturned, shipmentUnits),
    returnsRejected: returns.filter(
      (r) => !r.authorized && (query.sku === undefined || r.lines.some((l) => l.sku === query.sku)),
    ).length,
    unitsInspected,
    restockRate: ratio(
      sum(inspectedLines.filter((l) => l.disposition === 'RESTOCK').map((l) => l.quantity)),
      unitsInspected,
    ),
    recoveryRate: ratio(
      sum(inspectedLines.map((l) => l.recoveredValueMinor)),
      sum(inspectedLines.map((l) => l.quantity * l.unitPriceMinor)),
    ),
    returnProcessingHours:
      inspections.length === 0
        ? null
        : sum(inspections.map((i) => (i.at - i.firstReceivedAt) / HOUR)) / inspections.length,
    inventoryAccuracy:
      query.channel !== undefined ? null : ratio(counts.filter((c) => c.accurate).length, counts.length),
  };
}

/** The whole expected answer of `GET /kpis` for a query: every bucket and the totals. */
export function expectedKpis(facts: ReturnType<typeof scenarioFacts>, query: KpiQuery) {
  return {
    buckets: bucketStarts(query).map(({ start, end }) => ({
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      metrics: metricsBetween(facts, query, start, end),
    })),
    totals: metricsBetween(facts, query, Date.parse(query.from), Date.parse(query.to)),
  };
}
