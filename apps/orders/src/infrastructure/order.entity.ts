import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrderStatus } from '../domain/order-placement';

/** One order line as stored with its order. */
export interface StoredOrderLine {
  lineId: string;
  sku: string;
  quantity: number;
  unitPriceMinor: number;
}

@Entity({ name: 'orders' })
export class OrderEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ type: 'text' })
  channel!: string;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'customer_id', type: 'text', nullable: true })
  customerId!: string | null;

  @Column({ name: 'warehouse_id', type: 'text', nullable: true })
  warehouseId!: string | null;

  @Column({ name: 'placed_at', type: 'timestamptz' })
  placedAt!: Date;

  @Column({ name: 'promised_ship_by', type: 'timestamptz' })
  promisedShipBy!: Date;

  @Column({ type: 'text' })
  status!: OrderStatus;

  @Column({ type: 'jsonb' })
  lines!: StoredOrderLine[];

  /** Fingerprint of the placement, to tell a duplicate from a conflicting re-placement. */
  @Column({ name: 'placement_fingerprint', type: 'text' })
  placementFingerprint!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
