import { Injectable } from '@nestjs/common';
import { OrdersOrderPlacedV1 } from '@opsline/contracts';
import { Outbox } from '@opsline/messaging';
import { UnprocessableError } from '@opsline/platform';
import { EntityManager } from 'typeorm';
import { allocateOrder, AllocationDecision } from '../domain/allocation';
import { enqueueBackorders } from '../domain/backorder-queue';
import { StockLedgerEntry } from '../domain/stock-ledger';
import { InventoryRepository, positionKeyOf } from '../infrastructure/inventory.repository';
import { EventCause, inventoryOutboxEntries } from './inventory-wire-events';
import { PositionSettler } from './settle-positions';

/** An order without a warehouse while inventory knows none: it cannot be allocated (dead-lettered). */
export class NoWarehouseToAllocate extends UnprocessableError {
  constructor(orderId: string) {
    super('INVENTORY.NO_WAREHOUSE', `Order "${orderId}" names no warehouse and inventory knows none`);
  }
}

/** An order the orders service announced (`opsline.orders.order-placed.v1`). */
export interface AllocateOrderCommand {
  readonly cause: EventCause;
  readonly order: OrdersOrderPlacedV1;
}

/**
 * Allocates a placed order once: at its own warehouse if it names one, else at the warehouse with
 * stock that can fill the most units (the domain's `allocateOrder`); reserves what is there,
 * backorders the rest FIFO, and publishes `stock-reserved` / `stock-backordered` with the
 * first-attempt result. A second announcement of the same order has no effect.
 */
@Injectable()
export class AllocateOrderUseCase {
  constructor(
    private readonly repository: InventoryRepository,
    private readonly settler: PositionSettler,
    private readonly outbox: Outbox,
  ) {}

  async execute(manager: EntityManager, command: AllocateOrderCommand): Promise<'allocated' | 'duplicate'> {
    const { order } = command;
    if (await this.repository.isAllocated(manager, order.orderId)) return 'duplicate';
    const skus = [...new Set(order.lines.map((line) => line.sku))];
    const candidates = await this.candidatesFor(manager, order, skus);
    const before = await this.repository.lockPositions(
      manager,
      candidates.flatMap((warehouseId) => skus.map((sku) => ({ warehouseId, sku }))),
    );
    const decision = allocateOrder(
      {
        orderId: order.orderId,
        placedAt: order.placedAt,
        ...(order.warehouseId === undefined ? {} : { warehouseId: order.warehouseId }),
        lines: order.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
      },
      candidates,
      (warehouseId, sku) => before.get(positionKeyOf({ warehouseId, sku }))?.available ?? 0,
    );
    if (!decision.ok) throw new NoWarehouseToAllocate(order.orderId);
    const recorded = await this.record(manager, decision, order.placedAt);
    const settled = await this.settler.settle(
      manager,
      skus.map((sku) => ({
        warehouseId: decision.warehouseId,
        sku,
        at: order.placedAt,
        trigger: `order:${order.orderId}`,
        recorded: recorded.filter((entry) => entry.sku === sku),
      })),
      before,
    );
    await this.outbox.add(
      manager,
      inventoryOutboxEntries([...decision.events, ...settled], command.cause, decision.lines),
    );
    return 'allocated';
  }

  /** The order's warehouse; else those with stock of its SKUs; else every known one (to backorder). */
  private async candidatesFor(
    manager: EntityManager,
    order: OrdersOrderPlacedV1,
    skus: string[],
  ): Promise<string[]> {
    if (order.warehouseId !== undefined) return [order.warehouseId];
    const { withStock, known } = await this.repository.candidateWarehouses(manager, skus);
    return withStock.length > 0 ? withStock : known;
  }

  private async record(
    manager: EntityManager,
    decision: AllocationDecision,
    placedAt: string,
  ): Promise<StockLedgerEntry[]> {
    await this.repository.recordAllocation(manager, decision.orderId, decision.warehouseId, placedAt);
    const recorded = await this.repository.insertEntries(manager, decision.reservations);
    if (decision.backorders.length > 0) {
      await this.repository.replaceBackorders(manager, [], enqueueBackorders([], decision.backorders));
    }
    return recorded;
  }
}
