import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError, RequireScopes } from '@opsline/platform';
import { DataSource } from 'typeorm';
import type { OrderStatus } from '../domain/order-placement';
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
}
