import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { OrderStatus } from '../domain/order-placement';
import type { Order } from '../domain/order-state';

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

  /** The lifecycle aggregate (`Order`); null only on rows placed before the lifecycle existed. */
  @Column({ type: 'jsonb', nullable: true })
  state!: Order | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** An event about an order not seen yet, waiting for the order's placement. */
@Entity({ name: 'parked_events' })
export class ParkedEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  /** The topic it was consumed from; a dead letter goes to its `.dlq`. */
  @Column({ name: 'source_topic', type: 'text' })
  sourceTopic!: string;

  @Column({ name: 'business_time', type: 'timestamptz' })
  businessTime!: Date;

  @Column({ name: 'arrived_at', type: 'timestamptz' })
  arrivedAt!: Date;

  /** The validated CloudEvent as consumed. */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;
}
