import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { ReturnsReturnStatus } from '@opsline/contracts';
import type { OrderReplica } from '../domain/order-replica';
import type { Return } from '../domain/return';

@Entity({ name: 'returns' })
export class ReturnEntity {
  @PrimaryColumn({ name: 'return_id', type: 'text' })
  returnId!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ type: 'text' })
  status!: ReturnsReturnStatus;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  /** Fingerprint of the request (order and lines), to tell a duplicate from a conflicting one. */
  @Column({ name: 'request_fingerprint', type: 'text' })
  requestFingerprint!: string;

  /** When the request was parked (arrival time); null once decided. The sweep decides it after the wait. */
  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt!: Date | null;

  /** The aggregate (`Return`). */
  @Column({ type: 'jsonb' })
  state!: Return;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** The replica of an order, built from `opsline.orders` only. */
@Entity({ name: 'order_replicas' })
export class OrderReplicaEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ type: 'jsonb' })
  state!: OrderReplica;
}

/** A receipt or inspection for a return not decided (or not seen) yet. */
@Entity({ name: 'parked_warehouse_events' })
export class ParkedWarehouseEventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'return_id', type: 'text' })
  returnId!: string;

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
