import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { OrderStatus } from '../domain/order-placement';

/** `POST /orders/{id}/cancel` body. */
export class CancelOrderBody {
  @ApiProperty({ example: 'customer changed their mind', maxLength: 1024 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  reason!: string;
}

/** `POST /orders/{id}/cancel` answer: the order's status after the cancellation. */
export class CancelOrderResult {
  orderId!: string;
  status!: OrderStatus;
}
