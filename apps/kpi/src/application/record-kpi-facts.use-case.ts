import { ORDERS_ORDER_PLACED_V1 } from '@opsline/contracts';
import type {
  InventoryPositionChangedV1,
  InventoryStockCountedV1,
  OrdersOrderPlacedV1,
} from '@opsline/contracts';
import type { ConsumedEvent } from '@opsline/messaging';
import type { EntityManager } from 'typeorm';
import {
  OrderLifecycleData,
  projectOrderLifecycle,
  projectOrderPlaced,
  projectPositionChanged,
  projectReturnEvent,
  projectStockCounted,
  ReturnEventData,
} from '../domain/fact-projection';
import { KpiFactRepository, SourcePartition } from '../infrastructure/kpi-fact.repository';

const present = (times: readonly (string | null | undefined)[]): string[] =>
  times.filter((time): time is string => typeof time === 'string');

/**
 * Records the facts a run of domain events states, in the consumer's transaction (so facts, inbox
 * and offsets commit together), and notes the business times whose buckets changed.
 */
export class RecordKpiFactsUseCase {
  constructor(private readonly facts: KpiFactRepository) {}

  /**
   * A run of orders events of any type, in partition order. Placed orders are inserted first (never
   * overwriting), then the lifecycle snapshots upserted newest-wins: per order this ends where
   * applying the events one by one ends (a placed row is overwritten by any later snapshot, and a
   * snapshot already there is kept by `DO NOTHING`).
   */
  async recordOrderEvents(
    manager: EntityManager,
    source: SourcePartition,
    events: readonly ConsumedEvent[],
  ): Promise<void> {
    const placed = events.filter((event) => event.type === ORDERS_ORDER_PLACED_V1);
    const lifecycle = events.filter((event) => event.type !== ORDERS_ORDER_PLACED_V1);
    const placedProjections = placed.map((event) => projectOrderPlaced(event.data as OrdersOrderPlacedV1));
    const lifecycleData = lifecycle.map((event) => event.data as OrderLifecycleData);
    if (placedProjections.length > 0) await this.facts.insertPlacedOrders(manager, placedProjections);
    if (lifecycleData.length > 0)
      await this.facts.upsertOrderSnapshots(manager, lifecycleData.map(projectOrderLifecycle));
    await this.facts.recordApplied(
      manager,
      source,
      'orders',
      events.map((event) => event.time),
      [
        ...placedProjections.map((p) => p.order.placedAt),
        ...present(lifecycleData.flatMap((d) => [d.placedAt, d.cancelledAt, d.lastShipmentAt, d.shippedAt])),
      ],
    );
  }

  async recordReturnEvents(
    manager: EntityManager,
    source: SourcePartition,
    events: readonly ConsumedEvent[],
  ): Promise<void> {
    const data = events.map((event) => event.data as ReturnEventData);
    await this.facts.upsertReturns(
      manager,
      events.map((event, i) => projectReturnEvent(data[i], event.id)),
    );
    await this.facts.recordApplied(
      manager,
      source,
      'returns',
      events.map((event) => event.time),
      [
        ...present(data.flatMap((d) => [d.requestedAt, d.inspectedAt])),
        // an authorized DAMAGED/DEFECTIVE/WRONG_ITEM return changes its order's past perfect-order bucket
        ...(await this.facts.lastShipmentTimesOf(
          manager,
          data.map((d) => d.orderId),
        )),
      ],
    );
  }

  async recordCycleCounts(
    manager: EntityManager,
    source: SourcePartition,
    events: readonly ConsumedEvent[],
  ): Promise<void> {
    const counts = events.map((event) => projectStockCounted(event.data as InventoryStockCountedV1));
    await this.facts.upsertCycleCounts(manager, counts);
    await this.facts.recordApplied(
      manager,
      source,
      'cycle-counts',
      events.map((event) => event.time),
      counts.map((count) => count.countedAt),
    );
  }

  async recordPositions(
    manager: EntityManager,
    source: SourcePartition,
    events: readonly ConsumedEvent[],
  ): Promise<void> {
    await this.facts.upsertPositions(
      manager,
      events.map((event) => projectPositionChanged(event.data as InventoryPositionChangedV1)),
    );
    await this.facts.recordApplied(
      manager,
      source,
      'positions',
      events.map((event) => event.time),
      [],
    );
  }
}
