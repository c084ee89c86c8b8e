import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError, RequestValidationError, RequireScopes } from '@opsline/platform';
import { DataSource } from 'typeorm';
import type { OrderStatus } from '../domain/order-placement';
import { ListOrdersQuery } from './list-orders.query';
import { decodeOrderCursor, encodeOrderCursor } from './order-cursor';
import { OrderEntity, StoredOrderLine } from './order.entity';

export class OrderView {
  orderId!: string;
  status!: OrderStatus;
  channel!: string;
  currency!: string;
  customerId!: string | null;
  warehouseId!: string | null;
  placedAt!: string;
  promisedShipBy!: string;
  lines!: StoredOrderLine[];
}

class OrderNotFound extends NotFoundError {
  constructor(orderId: string) {
    super('ORDER.NOT_FOUND', `Order "${orderId}" does not exist`);
  }
}

export class OrderPage {
  items!: OrderView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor!: string | null;
}

function toView(order: OrderEntity): OrderView {
  return {
    orderId: order.orderId,
    status: order.status,
    channel: order.channel,
    currency: order.currency,
    customerId: order.customerId,
    warehouseId: order.warehouseId,
    placedAt: order.placedAt.toISOString(),
    promisedShipBy: order.promisedShipBy.toISOString(),
    lines: order.lines,
  };
}

const DEFAULT_PAGE_SIZE = 50;

@ApiTags('orders')
@Controller('orders')
export class OrdersController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
