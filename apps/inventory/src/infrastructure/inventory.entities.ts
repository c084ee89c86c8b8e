import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { StockLedgerEntry } from '../domain/stock-ledger';

/** One stock movement (`inventory.stock_ledger`); unique on (warehouse, sku, entry key). */
@Entity({ schema: 'inventory', name: 'stock_ledger' })
export class StockLedgerEntryEntity {
  @PrimaryGeneratedColumn({ name: 'entry_id', type: 'bigint' })
  entryId!: string;

  @Column({ name: 'warehouse_id', type: 'text' })
  warehouseId!: string;

  @Column({ type: 'text' })
  sku!: string;

  /** `ledgerEntryKey` of the entry. */
  @Column({ name: 'entry_key', type: 'text' })
  entryKey!: string;

  @Column({ type: 'text' })
  kind!: StockLedgerEntry['kind'];

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** The domain entry as recorded (business time kept as sent). */
  @Column({ type: 'jsonb' })
  entry!: StockLedgerEntry;
}

/** A warehouse × SKU position, maintained from the ledger in the same transaction. */
@Entity({ schema: 'inventory', name: 'stock_positions' })
export class StockPositionEntity {
  @PrimaryColumn({ name: 'warehouse_id', type: 'text' })
  warehouseId!: string;

  @PrimaryColumn({ type: 'text' })
  sku!: string;

  @Column({ name: 'on_hand', type: 'integer' })
  onHand!: number;

  @Column({ type: 'integer' })
  reserved!: number;
}

/** Units of an order line waiting for stock, FIFO by placedAt. */
@Entity({ schema: 'inventory', name: 'backorders' })
export class BackorderEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId!: string;

  @PrimaryColumn({ name: 'line_id', type: 'text' })
  lineId!: string;

  @Column({ name: 'warehouse_id', type: 'text' })
  warehouseId!: string;

  @Column({ type: 'text' })
  sku!: string;

  @Column({ name: 'placed_at', type: 'timestamptz' })
  placedAt!: Date;

  @Column({ type: 'integer' })
  quantity!: number;
}

/** A position's reorder point. */
@Entity({ schema: 'inventory', name: 'reorder_policies' })
export class ReorderPolicyEntity {
  @PrimaryColumn({ name: 'warehouse_id', type: 'text' })
  warehouseId!: string;

  @PrimaryColumn({ type: 'text' })
  sku!: string;

  @Column({ name: 'reorder_point', type: 'integer' })
  reorderPoint!: number;
}

/** An order inventory has allocated, and the warehouse it was allocated to. */
@Entity({ schema: 'inventory', name: 'order_allocations' })
export class OrderAllocationEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'warehouse_id', type: 'text' })
  warehouseId!: string;

  @Column({ name: 'placed_at', type: 'timestamptz' })
  placedAt!: Date;
}

/** Every inventory entity, for the data source. */
export const INVENTORY_ENTITIES = [
  StockLedgerEntryEntity,
  StockPositionEntity,
  BackorderEntity,
  ReorderPolicyEntity,
  OrderAllocationEntity,
];
