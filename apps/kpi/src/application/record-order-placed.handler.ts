import { Injectable } from '@nestjs/common';
import { ORDERS_ORDER_PLACED_V1, OrdersOrderPlacedV1 } from '@opsline/contracts';
import { BatchHandlerContext, ConsumedEvent, OnEventBatch } from '@opsline/messaging';

/**
 * Keeps the order facts the order KPIs are computed from (a read model, rebuildable from the
 * topic). Takes events in batches: one multi-row insert per run of events.
 */
@Injectable()
export class RecordOrderPlacedHandler {
  @OnEventBatch(ORDERS_ORDER_PLACED_V1)
  async onOrdersPlaced(events: readonly ConsumedEvent[], { manager }: BatchHandlerContext): Promise<void> {
    const orders = events.map((event) => event.data as OrdersOrderPlacedV1);
    await manager.query(
      `INSERT INTO kpi.order_facts (order_id, channel, warehouse_id, placed_at, units_ordered, order_value_minor)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::bigint[])
       ON CONFLICT (order_id) DO NOTHING`,
      [
        orders.map((o) => o.orderId),
        orders.map((o) => o.channel),
        orders.map((o) => o.warehouseId ?? null),
        orders.map((o) => o.placedAt),
        orders.map((o) => o.lines.reduce((sum, line) => sum + line.quantity, 0)),
        orders.map((o) => o.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0)),
      ],
    );
  }
}
