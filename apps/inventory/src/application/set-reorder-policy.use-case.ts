import { Injectable } from '@nestjs/common';
import { Outbox } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import type { PositionChangedEvent } from '../domain/inventory-events';
import { detectLevelLow } from '../domain/reorder-policy';
import { InventoryRepository, positionKeyOf } from '../infrastructure/inventory.repository';
import { inventoryOutboxEntries } from './inventory-wire-events';

/** `PUT /inventory/policies/{warehouseId}/{sku}`. */
export interface SetReorderPolicyCommand {
  readonly warehouseId: string;
  readonly sku: string;
  readonly reorderPoint: number;
  /** When the policy changed (now): the business time of a level-low it causes. */
  readonly at: string;
  /** Id of the request, as the causation id of the events. */
  readonly requestId: string;
}

/**
 * Sets a position's reorder point. A new or raised point that puts current stock below it raises
 * `stock-level-low` right away (the domain's `detectLevelLow` compares states, not numbers); the
 * position is published with its new point (`position.changed`).
 */
@Injectable()
export class SetReorderPolicyUseCase {
  constructor(
    private readonly repository: InventoryRepository,
    private readonly outbox: Outbox,
  ) {}

  async execute(manager: EntityManager, command: SetReorderPolicyCommand): Promise<{ available: number }> {
    const { warehouseId, sku, reorderPoint, at } = command;
    const levels = await this.repository.lockPositions(manager, [{ warehouseId, sku }]);
    const before = levels.get(positionKeyOf({ warehouseId, sku })) ?? { available: 0, reorderPoint: null };
    await this.repository.upsertPolicy(manager, { warehouseId, sku }, reorderPoint);
    const low = detectLevelLow({
      warehouseId,
      sku,
      at,
      before,
      after: { available: before.available, reorderPoint },
    });
    const [position] = await this.repository.findPositions(manager, { warehouseId, sku });
    const backordered = (await this.repository.backordersAt(manager, { warehouseId, sku })).reduce(
      (units, backorder) => units + backorder.quantity,
      0,
    );
    const changed: PositionChangedEvent = {
      type: 'position.changed',
      warehouseId,
      sku,
      at,
      onHand: position.onHand,
      reserved: position.reserved,
      available: position.available,
      backordered,
      reorderPoint,
    };
    await this.outbox.add(
      manager,
      inventoryOutboxEntries(low === null ? [changed] : [low, changed], { eventId: command.requestId }),
    );
    return { available: before.available };
  }
}
