import { Injectable } from '@nestjs/common';
import { GoodsReceivedV1, ReturnInspectedV1, StockAdjustedV1, StockCountedV1 } from '@opsline/contracts';
import { EventCause, Outbox } from '@opsline/messaging';
import { EntityManager } from 'typeorm';
import { StockLedgerEntry } from '../domain/stock-ledger';
import { InventoryRepository } from '../infrastructure/inventory.repository';
import { inventoryOutboxEntries } from './inventory-wire-events';
import { PositionSettler, touchedPositionsOf } from './settle-positions';
import { StockLedgerRepository } from '../infrastructure/stock-ledger.repository';

/** A WMS stock movement to apply: its ledger entries, and the event they come from. */
export interface RecordStockMovementCommand {
  readonly cause: EventCause;
  readonly entries: readonly StockLedgerEntry[];
}

/** Ledger entries of a goods receipt: one per SKU, lines of the same SKU summed. */
export function receiptEntries(data: GoodsReceivedV1, at: string): StockLedgerEntry[] {
  const bySku = new Map<string, number>();
  for (const line of data.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return [...bySku].map(([sku, quantity]) => ({
    kind: 'receipt',
    warehouseId: data.warehouseId,
    sku,
    at,
    receiptId: data.receiptId,
    quantity,
  }));
}

/**
 * Ledger entries of a return inspection: one restock per RESTOCK line (other dispositions leave
 * stock alone). The payload has no inspection id, so each entry is keyed by the inspection event's
 * id and the line's index in it: the same event applied twice records nothing the second time.
 */
export function restockEntries(data: ReturnInspectedV1, at: string, eventId: string): StockLedgerEntry[] {
  return data.lines.flatMap((line, index) =>
    line.disposition === 'RESTOCK'
      ? [
          {
            kind: 'restock' as const,
            warehouseId: data.warehouseId,
            sku: line.sku,
            at,
            returnId: data.returnId,
            lineId: line.lineId,
            inspectionRef: `${eventId}#${index}`,
            quantity: line.quantity,
          },
        ]
      : [],
  );
}

/** The ledger entry of a stock adjustment. */
export function adjustmentEntry(data: StockAdjustedV1, at: string): StockLedgerEntry {
  const { warehouseId, sku, adjustmentId, quantityDelta } = data;
  return { kind: 'adjustment', warehouseId, sku, at, adjustmentId, quantityDelta };
}

/** The ledger entry of a cycle count. */
export function countEntry(data: StockCountedV1, at: string): StockLedgerEntry {
  const { warehouseId, sku, countId, countedQuantity } = data;
  return { kind: 'count', warehouseId, sku, at, countId, countedQuantity };
}

/**
 * Applies a receipt, restock, adjustment or cycle count: records its ledger entries (a duplicate records
 * nothing and has no effect), then settles the positions it touched — backorders filled FIFO,
 * positions stored, `stock.level-low` on a crossing — and publishes through the outbox.
 */
@Injectable()
export class RecordStockMovementUseCase {
  constructor(
    private readonly repository: InventoryRepository,
    private readonly ledger: StockLedgerRepository,
    private readonly settler: PositionSettler,
    private readonly outbox: Outbox,
  ) {}

  async execute(
    manager: EntityManager,
    command: RecordStockMovementCommand,
  ): Promise<'applied' | 'duplicate'> {
    const before = await this.repository.lockPositions(manager, command.entries);
    const recorded = await this.ledger.insertEntries(manager, command.entries);
    if (recorded.length === 0) return 'duplicate';
    const events = await this.settler.settle(manager, touchedPositionsOf(recorded), before);
    await this.outbox.add(manager, inventoryOutboxEntries(events, command.cause));
    return 'applied';
  }
}
