import { Injectable } from '@nestjs/common';
import { ORDERS_ORDER_PLACED_V1, ORDERS_TOPIC, OrderPlacedV1, OrdersOrderPlacedV1 } from '@opsline/contracts';
import { Outbox } from '@opsline/messaging';
import { ConflictError } from '@opsline/platform';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { decidePlacement, OrderPlacement, placementFingerprint } from '../domain/order-placement';
import { orderFromPlacement } from '../domain/order-state';
import { OrderEntity } from '../infrastructure/order.entity';
import { RecordOrderFactUseCase } from './record-order-fact.use-case';

/** The same order id placed again with other content: refused, never an overwrite. */
export class OrderPlacementConflict extends ConflictError {
  constructor(orderId: string) {
    super('ORDER.CONFLICT', `Order "${orderId}" was already placed with different content`);
  }
}

export interface PlaceOrderCommand {
  readonly eventId: string;
  readonly placedAt: string;
  readonly correlationId?: string;
  readonly data: OrderPlacedV1;
}

/**
 * Takes a placed order in: stores it as PLACED (with its lifecycle state) and announces it on
 * `opsline.orders`, then re-applies the events parked while the order was unknown, all in the
 * caller's transaction. A duplicate placement has no effect; a conflicting one is refused.
 */
@Injectable()
export class PlaceOrderUseCase {
  constructor(
    private readonly outbox: Outbox,
    private readonly recordFact: RecordOrderFactUseCase,
  ) {}

  async execute(manager: EntityManager, command: PlaceOrderCommand): Promise<'created' | 'duplicate'> {
    const placement: OrderPlacement = { ...command.data, placedAt: command.placedAt };
    const existing = await manager.findOne(OrderEntity, {
      where: { orderId: placement.orderId },
      select: { orderId: true, placementFingerprint: true },
    });
    const decision = decidePlacement(existing?.placementFingerprint ?? null, placement);
    if (decision === 'conflict') throw new OrderPlacementConflict(placement.orderId);
    if (decision === 'duplicate') return 'duplicate';
    const order = orderFromPlacement(placement);
    await manager.insert(OrderEntity, {
      orderId: placement.orderId,
      channel: placement.channel,
      currency: placement.currency,
      customerId: placement.customerId ?? null,
      warehouseId: placement.warehouseId ?? null,
      placedAt: new Date(placement.placedAt),
      promisedShipBy: new Date(placement.promisedShipBy),
      status: 'PLACED',
      lines: placement.lines.map(({ lineId, sku, quantity, unitPriceMinor }) => ({
        lineId,
        sku,
        quantity,
        unitPriceMinor,
      })),
      placementFingerprint: placementFingerprint(placement),
      state: order,
    });
    await this.outbox.add(manager, [{ topic: ORDERS_TOPIC, event: this.placedEvent(placement, command) }]);
    await this.recordFact.reapplyParked(manager, order);
    return 'created';
  }

  private placedEvent(placement: OrderPlacement, command: PlaceOrderCommand) {
    const data: OrdersOrderPlacedV1 = {
      orderId: placement.orderId,
      channel: placement.channel,
      currency: placement.currency,
      placedAt: placement.placedAt,
      promisedShipBy: placement.promisedShipBy,
      ...(placement.warehouseId === undefined ? {} : { warehouseId: placement.warehouseId }),
      ...(placement.customerId === undefined ? {} : { customerId: placement.customerId }),
      lines: placement.lines.map(({ lineId, sku, quantity, unitPriceMinor }) => ({
        lineId,
        sku,
        quantity,
        unitPriceMinor,
      })),
    };
    return {
      specversion: '1.0',
      id: randomUUID(),
      source: '/services/orders',
      type: ORDERS_ORDER_PLACED_V1,
      time: new Date().toISOString(),
      subject: placement.orderId,
      datacontenttype: 'application/json',
      causationid: command.eventId,
      ...(command.correlationId === undefined ? {} : { correlationid: command.correlationId }),
      data,
    };
  }
}
