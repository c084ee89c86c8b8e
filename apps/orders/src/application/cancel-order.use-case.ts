import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@opsline/platform';
import { EntityManager } from 'typeorm';
import type { OrderStatus } from '../domain/order-placement';
import { OrderRepository } from '../infrastructure/order.repository';
import { RecordOrderFactUseCase } from './record-order-fact.use-case';

/** The order id names no placed order (404). */
export class OrderNotFound extends NotFoundError {
  constructor(orderId: string) {
    super('ORDER.NOT_FOUND', `Order "${orderId}" does not exist`);
  }
}

/**
 * Cancels an order through the API, at the current time, with the same command as the channel's
 * cancellation event. A fully shipped order is refused with `ORDER.ALREADY_SHIPPED` (409).
 */
@Injectable()
export class CancelOrderUseCase {
  constructor(
    private readonly orders: OrderRepository,
    private readonly recordFact: RecordOrderFactUseCase,
  ) {}

  async execute(manager: EntityManager, orderId: string, reason: string): Promise<OrderStatus> {
    const order = await this.orders.loadForUpdate(manager, orderId);
    if (order === null) throw new OrderNotFound(orderId);
    const request = { cancelledAt: new Date().toISOString(), reason };
    const next = await this.recordFact.applyToExisting(manager, order, { kind: 'cancellation', request }, {});
    return next.status;
  }
}
