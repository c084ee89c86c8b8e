import {
  INVENTORY_POSITION_CHANGED_V1,
  INVENTORY_STOCK_COUNTED_V1,
  ORDERS_ORDER_PLACED_V1,
  type InventoryPositionChangedV1,
  type InventoryStockCountedV1,
  type OrdersOrderPlacedV1,
} from '@opsline/contracts';
import type { CycleCountFact, KpiFacts, OrderFact, PositionFact } from './kpi-facts';
import {
  mergeOrderFact,
  OrderLifecycleData,
  projectOrderLifecycle,
  projectOrderPlaced,
  projectPositionChanged,
  projectReturnEvent,
  projectStockCounted,
  ReturnEventData,
  type OrderProjection,
  type ReturnProjection,
} from './fact-projection';

/**
 * The fact tables in memory, with the same upsert rules as the SQL writer: newest snapshot per
 * order/return/count/position wins (events of one aggregate arrive in order), shipment and
 * inspection lines are inserted once by natural key. The reference computation reads it.
 */
export class InMemoryFactStore {
  private readonly orders = new Map<string, OrderFact>();
  private readonly orderLines = new Map<string, KpiFacts['orderLines'][number]>();
  private readonly shipmentLines = new Map<string, KpiFacts['shipmentLines'][number]>();
  private readonly returns = new Map<string, KpiFacts['returns'][number]>();
  private readonly returnLines = new Map<string, KpiFacts['returnLines'][number]>();
  private readonly inspections = new Map<string, KpiFacts['inspections'][number]>();
  private readonly inspectionLines = new Map<string, KpiFacts['inspectionLines'][number]>();
  private readonly cycleCounts = new Map<string, CycleCountFact>();
  private readonly positions = new Map<string, PositionFact>();

  applyOrder(projection: OrderProjection): void {
    const existing = this.orders.get(projection.order.orderId);
    if (existing === undefined || projection.replacesExisting) {
      this.orders.set(projection.order.orderId, mergeOrderFact(existing, projection.order));
      for (const line of projection.lines) this.orderLines.set(`${line.orderId}\u0000${line.lineId}`, line);
    }
    for (const line of projection.shipmentLines) {
      const key = `${line.orderId}\u0000${line.shipmentId}\u0000${line.lineNo}`;
      if (!this.shipmentLines.has(key)) this.shipmentLines.set(key, line);
    }
  }

  applyReturn(projection: ReturnProjection): void {
    this.returns.set(projection.returnFact.returnId, projection.returnFact);
    for (const line of projection.lines) this.returnLines.set(`${line.returnId}\u0000${line.lineId}`, line);
    const { inspection } = projection;
    if (inspection !== null && !this.inspections.has(inspection.inspectionId)) {
      this.inspections.set(inspection.inspectionId, inspection);
      for (const line of projection.inspectionLines)
        this.inspectionLines.set(`${line.inspectionId}\u0000${line.lineNo}`, line);
    }
  }

  applyCycleCount(count: CycleCountFact): void {
    this.cycleCounts.set(count.countId, count);
  }

  applyPosition(position: PositionFact): void {
    this.positions.set(`${position.warehouseId}\u0000${position.sku}`, position);
  }

  facts(): KpiFacts {
    return {
      orders: [...this.orders.values()],
      orderLines: [...this.orderLines.values()],
      shipmentLines: [...this.shipmentLines.values()],
      returns: [...this.returns.values()],
      returnLines: [...this.returnLines.values()],
      inspections: [...this.inspections.values()],
      inspectionLines: [...this.inspectionLines.values()],
      cycleCounts: [...this.cycleCounts.values()],
      positions: [...this.positions.values()],
    };
  }
}

/** A domain event as the read models see it: its id, type and `data`. */
export interface DomainEventLike {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

/** Applies one domain event the way the Kafka handlers do (events of other types are ignored). */
export function applyDomainEvent(store: InMemoryFactStore, event: DomainEventLike): void {
  if (event.type === ORDERS_ORDER_PLACED_V1)
    store.applyOrder(projectOrderPlaced(event.data as OrdersOrderPlacedV1));
  else if (event.type.startsWith('opsline.orders.'))
    store.applyOrder(projectOrderLifecycle(event.data as OrderLifecycleData));
  else if (event.type.startsWith('opsline.returns.'))
    store.applyReturn(projectReturnEvent(event.data as ReturnEventData, event.id));
  else if (event.type === INVENTORY_STOCK_COUNTED_V1)
    store.applyCycleCount(projectStockCounted(event.data as InventoryStockCountedV1));
  else if (event.type === INVENTORY_POSITION_CHANGED_V1)
    store.applyPosition(projectPositionChanged(event.data as InventoryPositionChangedV1));
}
