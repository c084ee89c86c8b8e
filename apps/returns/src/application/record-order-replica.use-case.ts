import { Injectable } from '@nestjs/common';
import { ConsumedEvent } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import { applyOrderSnapshot, OrderSnapshot } from '../domain/order-replica';
import { ReturnRepository } from '../infrastructure/return.repository';
import { DecideReturnService } from './decide-return.service';
import { causeOf } from './record-warehouse-fact.use-case';

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

  async execute(manager: EntityManager, event: ConsumedEvent): Promise<void> {
    const snapshot = snapshotOf(event.data as OrderEventData);
    const current = await this.returns.loadReplicaForUpdate(manager, snapshot.orderId);
    const replica = applyOrderSnapshot(current, snapshot);
    await this.returns.saveReplica(manager, replica);
    for (const parked of await this.returns.parkedForOrder(manager, snapshot.orderId)) {
      await this.decider.decideStored(manager, parked, replica, false, causeOf(event));
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
