import {
  Body,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Logger,
  Module,
  Param,
  Post,
  type DynamicModule,
} from '@nestjs/common';
import { IsInt, IsString, Min } from 'class-validator';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import {
  assertWarehouseAllowed,
  CorrelationContext,
  CurrentPrincipal,
  NotFoundError,
  type PingableDataSource,
  PlatformModule,
  type Principal,
  RequireScopes,
  ServiceEnvironment,
} from '../src';

/** The environment of the test service. */
export class TestEnvironment extends ServiceEnvironment {
  override PORT = 3999;
}

class PlaceOrderDto {
  @IsString()
  orderId!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

class OrderNotFound extends NotFoundError {
  constructor(orderId: string) {
    super('ORDER.NOT_FOUND', `Order "${orderId}" does not exist`);
  }
}

interface WarehouseEvent {
  readonly id?: string;
  readonly data?: { readonly warehouseId?: string };
}

@Controller('test')
class TestController {
  private readonly logger = new Logger('TestController');

  @Post('orders')
  @RequireScopes('orders:write')
  placeOrder(@Body() order: PlaceOrderDto, @CurrentPrincipal() principal: Principal): object {
    this.logger.log(`placing order ${order.orderId}`);
    return { orderId: order.orderId, quantity: order.quantity, key: principal.keyLabel };
  }

  @Get('orders/:id')
  @RequireScopes('orders:read')
  getOrder(@Param('id') id: string): never {
    throw new OrderNotFound(id);
  }

  @Post('ingest/warehouse')
  @HttpCode(202)
  @RequireScopes('warehouse:write')
  ingestWarehouse(
    @Body() body: WarehouseEvent | WarehouseEvent[],
    @CurrentPrincipal() principal: Principal,
  ): object {
    const events = Array.isArray(body) ? body : [body];
    for (const event of events) assertWarehouseAllowed(principal, event.data?.warehouseId);
    return { accepted: events.map((event) => event.id) };
  }

  @Get('correlation')
  @RequireScopes('kpi:read')
  async correlation(): Promise<object> {
    await new Promise((resolve) => setImmediate(resolve));
    this.logger.log('inside a request');
    return { correlationId: CorrelationContext.currentId() };
  }
}

/** A provider whose shutdown hook takes `drainMs`, like a consumer finishing its batch. */
@Injectable()
export class SlowDrainer {
  static drainMs = 100;
  drained = false;

  async beforeApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, SlowDrainer.drainMs));
    this.drained = true;
  }
}

/** A tiny service: the platform plus a few routes exercising auth, errors and body parsing. */
@Module({})
export class TestServiceModule {
  /** `dataSource`, when given, is registered under TypeORM's `DataSource` token, as TypeOrmModule does. */
  static forRoot(
    environment: TestEnvironment,
    logDestination: DestinationStream,
    dataSource?: PingableDataSource,
  ): DynamicModule {
    return {
      module: TestServiceModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'platform-test',
          environment,
          logDestination,
          kafkaHealthTimeoutMs: 1500,
        }),
      ],
      controllers: [TestController],
      providers: [
        SlowDrainer,
        ...(dataSource === undefined ? [] : [{ provide: DataSource, useValue: dataSource }]),
      ],
    };
  }
}
