import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { RequestValidationError, RequireScopes } from '@opsline/platform';
import { DataSource } from 'typeorm';
import { CancelOrderUseCase, OrderNotFound } from '../application/cancel-order.use-case';
import { orderView } from '../domain/order-events';
import type { OrderStatus } from '../domain/order-placement';
import type {
  OrderAllocation,
  OrderCancellation,
  OrderShipment,
  OrderTransition,
} from '../domain/order-state';
import { CancelOrderBody, CancelOrderResult } from './cancel-order.body';
import { ListOrdersQuery } from './list-orders.query';
import { decodeOrderCursor, encodeOrderCursor } from './order-cursor';
import { OrderEntity } from './order.entity';
import { stateOf } from './order.repository';

export class OrderView {
  orderId!: string;
  status!: OrderStatus;
  channel!: string;
  currency!: string;
  customerId!: string | null;
  warehouseId!: string | null;
  placedAt!: string;
  promisedShipBy!: string;
  /** Each line with its price and what happened to it (reserved at first attempt, shipped, cancelled). */
  lines!: OrderLineView[];
  firstAllocation!: OrderAllocation | null;
  latestAllocation!: OrderAllocation | null;
  shipments!: readonly OrderShipment[];
  cancellation!: OrderCancellation | null;
  /** Status changes in the order they were applied. */
  history!: readonly OrderTransition[];
}

export class OrderLineView {
  lineId!: string;
  sku!: string;
  quantity!: number;
  unitPriceMinor!: number;
  reservedAtFirstAttempt!: number | null;
  shippedQuantity!: number;
  cancelledQuantity!: number;
}

export class OrderPage {
  items!: OrderView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}

function toView(row: OrderEntity): OrderView {
  const order = stateOf(row);
  const view = orderView(order);
  return {
    orderId: row.orderId,
    // The column is kept in step with the state (and is all rows from before the lifecycle have).
    status: row.status,
    channel: row.channel,
    currency: row.currency,
    customerId: row.customerId,
    warehouseId: view.warehouseId,
    placedAt: row.placedAt.toISOString(),
    promisedShipBy: row.promisedShipBy.toISOString(),
    lines: view.lines.map((line) => ({ ...line })),
    firstAllocation: order.firstAllocation,
    latestAllocation: order.latestAllocation,
    shipments: order.shipments,
    cancellation: order.cancellation,
    history: order.history,
  };
}

const DEFAULT_PAGE_SIZE = 50;

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cancelOrder: CancelOrderUseCase,
  ) {}

  @Post(':orderId/cancel')
  @HttpCode(200)
  @RequireScopes('orders:write')
  @ApiOperation({
    summary:
      'Cancels the units not shipped yet; 404 unknown order, 409 ORDER.ALREADY_SHIPPED when all shipped',
  })
  @ApiOkResponse({ type: CancelOrderResult })
  async cancel(@Param('orderId') orderId: string, @Body() body: CancelOrderBody): Promise<CancelOrderResult> {
    const status = await this.dataSource.transaction((manager) =>
      this.cancelOrder.execute(manager, orderId, body.reason),
    );
    return { orderId, status };
  }

  @Get(':orderId')
  @RequireScopes('orders:read')
  @ApiOkResponse({ type: OrderView })
  async getOrder(@Param('orderId') orderId: string): Promise<OrderView> {
    const order = await this.dataSource.getRepository(OrderEntity).findOneBy({ orderId });
    if (order === null) throw new OrderNotFound(orderId);
    return toView(order);
  }

  @Get()
  @RequireScopes('orders:read')
  @ApiOkResponse({ type: OrderPage })
  async listOrders(@Query() query: ListOrdersQuery): Promise<OrderPage> {
    if (
      query.from !== undefined &&
      query.to !== undefined &&
      Date.parse(query.from) >= Date.parse(query.to)
    ) {
      throw new RequestValidationError([
        { field: 'from', rule: 'beforeTo', message: 'from must be before to' },
      ]);
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.dataSource.getRepository(OrderEntity).createQueryBuilder('o');
    if (query.status !== undefined) builder.andWhere('o.status = :status', { status: query.status });
    if (query.from !== undefined) builder.andWhere('o.placed_at >= :from', { from: query.from });
    if (query.to !== undefined) builder.andWhere('o.placed_at < :to', { to: query.to });
    if (query.cursor !== undefined) {
      const after = decodeOrderCursor(query.cursor);
      builder.andWhere('(o.placed_at, o.order_id) > (:afterAt, :afterId)', {
        afterAt: after.placedAt,
        afterId: after.orderId,
      });
    }
    const rows = await builder
      .orderBy('o.placed_at', 'ASC')
      .addOrderBy('o.order_id', 'ASC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor:
        rows.length > limit
          ? encodeOrderCursor({ placedAt: last.placedAt.toISOString(), orderId: last.orderId })
          : null,
    };
  }
}
