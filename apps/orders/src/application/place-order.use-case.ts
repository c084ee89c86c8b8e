import { Injectable } from '@nestjs/common';
import { ORDERS_ORDER_PLACED_V1, ORDERS_TOPIC, OrderPlacedV1, OrdersOrderPlacedV1 } from '@opsline/contracts';
import { Outbox } from '@opsline/messaging';
import { ConflictError } from '@opsline/platform';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { decidePlacements, OrderPlacement, placementFingerprint } from '../domain/order-placement';
import { orderFromPlacement } from '../domain/order-state';
import { OrderRepository } from '../infrastructure/order.repository';
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
 * Takes placed orders in: stores each as PLACED (with its lifecycle state) and announces it on
 * `opsline.orders`, then re-applies the events parked while the order was unknown, all in the
 * caller's transaction. A duplicate placement has no effect; a conflicting one is refused.
 */
@Injectable()
export class PlaceOrderUseCase {
  constructor(
    private readonly orders: OrderRepository,
    private readonly outbox: Outbox,
    private readonly recordFact: RecordOrderFactUseCase,
  ) {}

  async execute(manager: EntityManager, command: PlaceOrderCommand): Promise<'created' | 'duplicate'> {
    const [outcome] = await this.executeRun(manager, [command]);
    return outcome;
  }

  /**
   * Places a run of orders (consecutive placement events) with one statement per step for the
   * whole run, with the outcome of each. Each is decided as if placed alone after the ones before
   * it, so one repeating an order placed earlier in the run is a duplicate. A conflict throws for
   * the whole run: the consumer then places the run's events one by one and dead-letters that one.
   */
  async executeRun(
    manager: EntityManager,
    commands: readonly PlaceOrderCommand[],
  ): Promise<('created' | 'duplicate')[]> {
    const placements = commands.map((command): OrderPlacement => ({
      ...command.data,
      placedAt: command.placedAt,
    }));
    await this.orders.lockOrderIds(
      manager,
      placements.map((placement) => placement.orderId),
    );
    const stored = await this.orders.placementFingerprints(
      manager,
      placements.map((placement) => placement.orderId),
    );
    const decisions = decidePlacements(stored, placements);
    const conflict = decisions.indexOf('conflict');
    if (conflict >= 0) throw new OrderPlacementConflict(placements[conflict].orderId);
    const fresh = placements.flatMap((placement, index) =>
      decisions[index] === 'create'
        ? [{ placement, command: commands[index], order: orderFromPlacement(placement) }]
        : [],
    );
    await this.orders.insertPlaced(
      manager,
      fresh.map(({ placement, order }) => ({
        order,
        fingerprint: placementFingerprint(placement),
      })),
    );
    await this.outbox.add(
      manager,
      fresh.map(({ placement, command }) => ({
        topic: ORDERS_TOPIC,
        event: this.placedEvent(placement, command),
      })),
    );
    await this.recordFact.reapplyParkedForPlaced(
      manager,
      fresh.map(({ order }) => order),
    );
    return decisions.map((decision) => (decision === 'create' ? 'created' : 'duplicate'));
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
