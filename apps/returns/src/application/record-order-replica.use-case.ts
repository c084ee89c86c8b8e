import { Injectable } from '@nestjs/common';
import { causeOf, ConsumedEvent } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import { applyOrderSnapshot, OrderReplica, OrderSnapshot } from '../domain/order-replica';
import { ReturnRepository } from '../infrastructure/return.repository';
import { DecideReturnService } from './decide-return.service';

/** The fields every `opsline.orders` event carries (the whole order), plus a shipment's own. */
interface OrderEventData {
  orderId: string;
  channel: string;
  currency: string;
  warehouseId?: string;
  lines: {
    lineId: string;
    sku: string;
    quantity: number;
    unitPriceMinor: number;
    shippedQuantity?: number;
  }[];
  lastShipmentAt?: string;
  shipmentId?: string;
  shippedAt?: string;
  shipmentLines?: { lineId: string; quantity: number }[];
}

/**
 * Keeps the order replica from `opsline.orders` (upsert by order id, shipments by shipment id) and
 * re-evaluates the order's parked return requests with it, in the consumer's transaction.
 */
@Injectable()
export class RecordOrderReplicaUseCase {
  constructor(
    private readonly returns: ReturnRepository,
    private readonly decider: DecideReturnService,
  ) {}

  /**
   * A run of order events (one partition, in offset order) in a few statements: the replicas are
   * loaded and locked at once, each event's snapshot applied in order in memory, the replicas
   * written at once; then the parked requests of those orders are decided with what the run left.
   */
  async execute(manager: EntityManager, events: readonly ConsumedEvent[]): Promise<void> {
    const snapshots = events.map((event) => ({ event, snapshot: snapshotOf(event.data as OrderEventData) }));
    const orderIds = snapshots.map(({ snapshot }) => snapshot.orderId);
    const replicas = await this.returns.loadReplicasForUpdate(manager, orderIds);
    const lastEvent = new Map<string, ConsumedEvent>();
    for (const { event, snapshot } of snapshots) {
      replicas.set(snapshot.orderId, applyOrderSnapshot(replicas.get(snapshot.orderId) ?? null, snapshot));
      lastEvent.set(snapshot.orderId, event);
    }
    const changed = [...lastEvent.keys()].map((orderId) => replicas.get(orderId) as OrderReplica);
    await this.returns.saveReplicas(manager, changed);
    for (const parked of await this.returns.parkedForOrders(manager, orderIds)) {
      const cause = causeOf(lastEvent.get(parked.orderId) as ConsumedEvent);
      await this.decider.decideStored(manager, parked, replicas.get(parked.orderId) ?? null, false, cause);
    }
  }
}

function snapshotOf(data: OrderEventData): OrderSnapshot {
  const shipment =
    data.shipmentId !== undefined && data.shippedAt !== undefined && data.shipmentLines !== undefined
      ? {
          shipmentId: data.shipmentId,
          shippedAt: data.shippedAt,
          lines: data.shipmentLines.map(({ lineId, quantity }) => ({ lineId, quantity })),
        }
      : undefined;
  return {
    orderId: data.orderId,
    channel: data.channel,
    currency: data.currency,
    ...(data.warehouseId === undefined ? {} : { warehouseId: data.warehouseId }),
    lines: data.lines.map(({ lineId, sku, quantity, unitPriceMinor, shippedQuantity }) => ({
      lineId,
      sku,
      quantity,
      unitPriceMinor,
      ...(shippedQuantity === undefined ? {} : { shippedQuantity }),
    })),
    ...(data.lastShipmentAt === undefined ? {} : { lastShipmentAt: data.lastShipmentAt }),
    ...(shipment === undefined ? {} : { shipment }),
  };
}
