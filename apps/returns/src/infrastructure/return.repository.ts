import { Injectable } from '@nestjs/common';
import { EntityManager, In, LessThanOrEqual } from 'typeorm';
import type { OrderReplica } from '../domain/order-replica';
import type { Return } from '../domain/return';
import { OrderReplicaEntity, ParkedWarehouseEventEntity, ReturnEntity } from './return.entity';

/** A receipt or inspection parked until its return is decided. */
export interface ParkedWarehouseEvent {
  readonly eventId: string;
  readonly returnId: string;
  readonly eventType: string;
  readonly sourceTopic: string;
  readonly businessTime: string;
  readonly arrivedAt: string;
  /** The consumed CloudEvent. */
  readonly payload: Record<string, unknown>;
}

export interface StoredReturn {
  readonly ret: Return;
  readonly requestFingerprint: string;
}

/** Returns, order replicas and the warehouse parking lot in schema `returns`; only this class touches them. */
@Injectable()
export class ReturnRepository {
  /** The return, locked for the rest of the transaction; null when never requested. */
  /**
   * The return, locked for the rest of the transaction — its id too, whether or not it exists:
   * a warehouse event for a return being requested at the same moment would otherwise park itself
   * unseen by the request's re-application of parked events (see {@link lockId}).
   */
  async loadForUpdate(manager: EntityManager, returnId: string): Promise<StoredReturn | null> {
    await lockId(manager, 'opsline.returns.return', returnId);
    const row = await manager.findOne(ReturnEntity, {
      where: { returnId },
      lock: { mode: 'pessimistic_write' },
    });
    return row === null ? null : { ret: row.state, requestFingerprint: row.requestFingerprint };
  }

  async insert(manager: EntityManager, ret: Return, requestFingerprint: string, parkedAt: string | null) {
    await manager.insert(ReturnEntity, {
      returnId: ret.returnId,
      orderId: ret.orderId,
      status: ret.status,
      requestedAt: new Date(ret.requestedAt),
      requestFingerprint,
      parkedAt: parkedAt === null ? null : new Date(parkedAt),
      state: ret,
    });
  }

  /** Writes the aggregate, keeps `status` in step and unparks it once decided. */
  async save(manager: EntityManager, ret: Return): Promise<void> {
    await manager.update(
      ReturnEntity,
      { returnId: ret.returnId },
      {
        state: ret,
        status: ret.status,
        ...(ret.status === 'REQUESTED' ? {} : { parkedAt: null }),
      },
    );
  }

  /** Units of each line of the order authorized by its other returns (rejected ones have 0). */
  async authorizedByLine(
    manager: EntityManager,
    orderId: string,
    exceptReturnId: string,
  ): Promise<Map<string, number>> {
    const rows: { line_id: string; units: string }[] = await manager.query(
      `SELECT line->>'lineId' AS line_id, SUM((line->>'authorizedQuantity')::int) AS units
         FROM returns.returns r, jsonb_array_elements(r.state->'lines') AS line
        WHERE r.order_id = $1 AND r.return_id <> $2 AND r.status <> 'REJECTED'
        GROUP BY 1`,
      [orderId, exceptReturnId],
    );
    return new Map(rows.map((row) => [row.line_id, Number(row.units)]));
  }

  /**
   * Ids of parked returns that arrived at or before `parkedBy`, unlocked: the caller locks the
   * order replica and then the return, the order every other writer locks them in.
   */
  async parkedBy(
    manager: EntityManager,
    parkedBy: string,
    limit: number,
  ): Promise<{ returnId: string; orderId: string }[]> {
    return manager.find(ReturnEntity, {
      where: { parkedAt: LessThanOrEqual(new Date(parkedBy)) },
      select: { returnId: true, orderId: true },
      order: { parkedAt: 'ASC' },
      take: limit,
    });
  }

  /** The replica, locked so that two returns of one order are decided one after the other. */
  /** The order replica, locked with its id (a request and the order's first event cannot race). */
  async loadReplicaForUpdate(manager: EntityManager, orderId: string): Promise<OrderReplica | null> {
    await lockId(manager, 'opsline.returns.order', orderId);
    const row = await manager.findOne(OrderReplicaEntity, {
      where: { orderId },
      lock: { mode: 'pessimistic_write' },
    });
    return row?.state ?? null;
  }

  /**
   * The replicas of those of the orders that exist, locked with their ids in id order (as
   * {@link loadReplicaForUpdate} locks one), by order id.
   */
  async loadReplicasForUpdate(
    manager: EntityManager,
    orderIds: readonly string[],
  ): Promise<Map<string, OrderReplica>> {
    const ids = [...new Set(orderIds)].sort();
    await lockIds(manager, 'opsline.returns.order', ids);
    const rows = (await manager.query(
      `SELECT order_id, state FROM returns.order_replicas WHERE order_id = ANY($1::text[]) ORDER BY order_id FOR UPDATE`,
      [ids],
    )) as { order_id: string; state: OrderReplica }[];
    return new Map(rows.map((row) => [row.order_id, row.state]));
  }

  /** Stores replicas in one statement. */
  async saveReplicas(manager: EntityManager, replicas: readonly OrderReplica[]): Promise<void> {
    if (replicas.length === 0) return;
    await manager.query(
      `INSERT INTO returns.order_replicas (order_id, state)
       SELECT * FROM unnest($1::text[], $2::jsonb[])
       ON CONFLICT (order_id) DO UPDATE SET state = EXCLUDED.state`,
      [replicas.map((replica) => replica.orderId), replicas.map((replica) => JSON.stringify(replica))],
    );
  }

  /** The parked returns of any of the orders, locked, oldest request first. */
  async parkedForOrders(manager: EntityManager, orderIds: readonly string[]): Promise<Return[]> {
    const rows = (await manager.query(
      `SELECT state FROM returns.returns WHERE order_id = ANY($1::text[]) AND parked_at IS NOT NULL
        ORDER BY requested_at, return_id FOR UPDATE`,
      [[...new Set(orderIds)]],
    )) as { state: Return }[];
    return rows.map((row) => row.state);
  }

  async saveReplica(manager: EntityManager, replica: OrderReplica): Promise<void> {
    await manager.upsert(OrderReplicaEntity, { orderId: replica.orderId, state: replica }, ['orderId']);
  }

  /** Parks a warehouse event; parking the same event again keeps the first arrival. */
  async park(manager: EntityManager, event: ParkedWarehouseEvent): Promise<void> {
    await manager.query(
      `INSERT INTO returns.parked_warehouse_events
         (event_id, return_id, event_type, source_topic, business_time, arrived_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING`,
      [
        event.eventId,
        event.returnId,
        event.eventType,
        event.sourceTopic,
        event.businessTime,
        event.arrivedAt,
        JSON.stringify(event.payload),
      ],
    );
  }

  /** Removes and returns the warehouse events parked for a return, by business time. */
  async unparkForReturn(manager: EntityManager, returnId: string): Promise<ParkedWarehouseEvent[]> {
    const rows = await manager.find(ParkedWarehouseEventEntity, {
      where: { returnId },
      order: { businessTime: 'ASC', arrivedAt: 'ASC' },
    });
    if (rows.length > 0) await manager.delete(ParkedWarehouseEventEntity, { returnId });
    return rows.map(toParkedEvent);
  }

  /** Parked warehouse events that arrived at or before `arrivedBy`, locked (skipping locked ones). */
  async parkedWarehouseEventsBy(
    manager: EntityManager,
    arrivedBy: string,
    limit: number,
  ): Promise<ParkedWarehouseEvent[]> {
    const rows = await manager.find(ParkedWarehouseEventEntity, {
      where: { arrivedAt: LessThanOrEqual(new Date(arrivedBy)) },
      order: { arrivedAt: 'ASC' },
      take: limit,
      lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
    });
    return rows.map(toParkedEvent);
  }

  async removeParked(manager: EntityManager, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length > 0) await manager.delete(ParkedWarehouseEventEntity, { eventId: In([...eventIds]) });
  }

  /** Status of each existing return among `returnIds`. */
  async statusesOf(manager: EntityManager, returnIds: readonly string[]): Promise<Map<string, string>> {
    if (returnIds.length === 0) return new Map();
    const rows = await manager.find(ReturnEntity, {
      where: { returnId: In([...new Set(returnIds)]) },
      select: { returnId: true, status: true },
    });
    return new Map(rows.map((row) => [row.returnId, row.status]));
  }
}

function toParkedEvent(row: ParkedWarehouseEventEntity): ParkedWarehouseEvent {
  return {
    eventId: row.eventId,
    returnId: row.returnId,
    eventType: row.eventType,
    sourceTopic: row.sourceTopic,
    businessTime: row.businessTime.toISOString(),
    arrivedAt: row.arrivedAt.toISOString(),
    payload: row.payload,
  };
}

/**
 * A transaction lock on an aggregate id that may not exist yet. Row locks cannot cover a row
 * another transaction is about to insert; without this, an event that finds no aggregate parks
 * itself while the aggregate's creation, not seeing the uncommitted parked event, re-applies
 * nothing — and the event waits for the sweep.
 */
async function lockId(manager: EntityManager, kind: string, id: string): Promise<void> {
  await lockIds(manager, kind, [id]);
}

/** {@link lockId} for many ids in one statement, taken in the order given (callers sort them). */
async function lockIds(manager: EntityManager, kind: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await manager.query(
    `SELECT count(pg_advisory_xact_lock(hashtextextended(key, 0)))
       FROM (SELECT key FROM unnest($1::text[]) WITH ORDINALITY AS k(key, n) ORDER BY n) AS ordered`,
    [ids.map((id) => `${kind}:${id}`)],
  );
}
