import { Injectable } from '@nestjs/common';
import { OrdersOrderPlacedV1 } from '@opsline/contracts';
import { EventCause, Outbox, OutboxEntry } from '@opsline/messaging';
import { UnprocessableError } from '@opsline/platform';
import { EntityManager } from 'typeorm';
import { allocateOrder } from '../domain/allocation';
import { Backorder, enqueueBackorders } from '../domain/backorder-queue';
import type { InventoryDomainEvent } from '../domain/inventory-events';
import { compareIds } from '../domain/ordering';
import { StockLevel } from '../domain/reorder-policy';
import { StockLedgerEntry } from '../domain/stock-ledger';
import { InventoryRepository, LockedLevel, positionKeyOf } from '../infrastructure/inventory.repository';
import { StockPosition, withReservationChanges } from '../domain/stock-position';
import { inventoryOutboxEntries } from './inventory-wire-events';
import { settlePosition } from './settle-positions';
import { StockLedgerRepository } from '../infrastructure/stock-ledger.repository';

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

/** Positions, backorders and outputs of a run of allocations, kept in memory until it is written. */
class AllocationRun {
  readonly positions = new Map<string, StockPosition>();
  readonly levels = new Map<string, LockedLevel>();
  queue: Backorder[];
  readonly initialQueue: readonly Backorder[];
  readonly touched = new Set<string>();
  readonly allocations: { orderId: string; warehouseId: string; placedAt: string }[] = [];
  readonly entries: StockLedgerEntry[] = [];
  readonly outbox: OutboxEntry[] = [];

  constructor(levels: ReadonlyMap<string, LockedLevel>, queue: readonly Backorder[]) {
    for (const [key, level] of levels) {
      const { warehouseId, sku, onHand, reserved, available } = level;
      this.levels.set(key, level);
      this.positions.set(key, { warehouseId, sku, onHand, reserved, available });
    }
    this.initialQueue = queue;
    this.queue = [...queue];
  }

  available(warehouseId: string, sku: string): number {
    return this.positions.get(positionKeyOf({ warehouseId, sku }))?.available ?? 0;
  }

  /** Warehouses with available units of any of `skus`, in id order. */
  warehousesWithStock(skus: readonly string[]): string[] {
    const found = new Set<string>();
    for (const position of this.positions.values()) {
      if (position.available > 0 && skus.includes(position.sku)) found.add(position.warehouseId);
    }
    return [...found].sort(compareIds);
  }

  position(warehouseId: string, sku: string): StockPosition {
    return (
      this.positions.get(positionKeyOf({ warehouseId, sku })) ?? {
        warehouseId,
        sku,
        onHand: 0,
        reserved: 0,
        available: 0,
      }
    );
  }

  /** The position's level with its reorder point, as it stands now (what a crossing compares with). */
  level(position: StockPosition): StockLevel {
    const reorderPoint = this.levels.get(positionKeyOf(position))?.reorderPoint ?? null;
    return { available: position.available, reorderPoint };
  }
}

/**
 * Allocates a run of placed orders (one partition, in offset order), each once: at its own
 * warehouse if it names one, else at the warehouse with stock that can fill the most units (the
 * domain's `allocateOrder`); reserves what is there, backorders the rest FIFO, and publishes
 * `stock-reserved` / `stock-backordered` with the first-attempt result, then settles each touched
 * position (`settlePosition`). A second announcement of an order has no effect.
 *
 * Every position the run may touch is locked first, in key order and in one statement (two
 * instances applying interleaved runs never wait on each other crosswise), read once, and the
 * orders are applied in memory one after the other exactly as single events would be; the run's
 * allocations, ledger entries, backorders, positions and events are then written with one
 * statement each.
 */
@Injectable()
export class AllocateOrderUseCase {
  constructor(
    private readonly repository: InventoryRepository,
    private readonly ledger: StockLedgerRepository,
    private readonly outbox: Outbox,
  ) {}

  async execute(manager: EntityManager, commands: readonly AllocateOrderCommand[]): Promise<void> {
    const allocated = await this.repository.allocatedAmong(
      manager,
      commands.map((command) => command.order.orderId),
    );
    const fresh = commands.filter((command) => {
      if (allocated.has(command.order.orderId)) return false;
      allocated.add(command.order.orderId);
      return true;
    });
    if (fresh.length === 0) return;
    const named = fresh.flatMap(({ order }) =>
      order.warehouseId === undefined
        ? []
        : order.lines.map((line) => ({ warehouseId: order.warehouseId as string, sku: line.sku })),
    );
    const anyWarehouseSkus = [
      ...new Set(
        fresh.flatMap(({ order }) => (order.warehouseId === undefined ? order.lines.map((l) => l.sku) : [])),
      ),
    ];
    const levels = await this.repository.lockPositionsForRun(manager, named, anyWarehouseSkus);
    const queue = await this.repository.backordersAtPositions(manager, [...levels.values()]);
    const run = new AllocationRun(levels, queue);
    let known: string[] | undefined;
    for (const command of fresh) {
      const { order } = command;
      const skus = [...new Set(order.lines.map((line) => line.sku))];
      let candidates = order.warehouseId === undefined ? run.warehousesWithStock(skus) : [order.warehouseId];
      if (candidates.length === 0) {
        known ??= await this.repository.knownWarehouses(manager);
        const warehouses = new Set([...known, ...[...run.positions.values()].map((p) => p.warehouseId)]);
        candidates = [...warehouses].sort(compareIds);
      }
      this.allocate(run, command, candidates, skus);
    }
    await this.repository.recordAllocations(manager, run.allocations);
    await this.ledger.insertEntries(manager, run.entries);
    await this.repository.replaceBackorders(manager, run.initialQueue, run.queue);
    await this.repository.savePositions(
      manager,
      [...run.touched].map((key) => run.positions.get(key) as StockPosition),
    );
    await this.outbox.add(manager, run.outbox);
  }

  private allocate(
    run: AllocationRun,
    command: AllocateOrderCommand,
    candidates: string[],
    skus: string[],
  ): void {
    const { order } = command;
    const decision = allocateOrder(
      {
        orderId: order.orderId,
        placedAt: order.placedAt,
        ...(order.warehouseId === undefined ? {} : { warehouseId: order.warehouseId }),
        lines: order.lines.map(({ lineId, sku, quantity }) => ({ lineId, sku, quantity })),
      },
      candidates,
      (warehouseId, sku) => run.available(warehouseId, sku),
    );
    if (!decision.ok) throw new NoWarehouseToAllocate(order.orderId);
    run.allocations.push({
      orderId: order.orderId,
      warehouseId: decision.warehouseId,
      placedAt: order.placedAt,
    });
    run.entries.push(...decision.reservations);
    run.queue = [...enqueueBackorders(run.queue, decision.backorders)];
    const events: InventoryDomainEvent[] = [...decision.events];
    for (const sku of skus) {
      const before = run.position(decision.warehouseId, sku);
      const recorded = decision.reservations.filter((entry) => entry.sku === sku);
      const settled = settlePosition(
        {
          warehouseId: decision.warehouseId,
          sku,
          at: order.placedAt,
          trigger: `order:${order.orderId}`,
          recorded,
        },
        withReservationChanges(before, recorded),
        run.queue,
        run.level(before),
      );
      run.entries.push(...settled.fill.reservations);
      run.queue = [...settled.fill.remaining];
      const key = positionKeyOf(settled.position);
      run.positions.set(key, settled.position);
      run.touched.add(key);
      events.push(...settled.events);
    }
    run.outbox.push(...inventoryOutboxEntries(events, command.cause, decision.lines));
  }
}
