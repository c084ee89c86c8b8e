import { Injectable } from '@nestjs/common';
import { ORDERS_ORDER_PLACED_V1, OrdersOrderPlacedV1 } from '@opsline/contracts';
import { ConsumedEvent, HandlerContext, OnEvent } from '@opsline/messaging';

/** Keeps the order facts the order KPIs are computed from (a read model: rebuildable from the topic). */
@Injectable()
export class RecordOrderPlacedHandler {
  @OnEvent(ORDERS_ORDER_PLACED_V1)
  async onOrderPlaced(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    const order = event.data as OrdersOrderPlacedV1;
    const units = order.lines.reduce((sum, line) => sum + line.quantity, 0);
    const value = order.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
    await manager.query(
      `INSERT INTO kpi.order_facts (order_id, channel, warehouse_id, placed_at, units_ordered, order_value_minor)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING`,
      [order.orderId, order.channel, order.warehouseId ?? null, order.placedAt, units, value],
    );
  }
}
