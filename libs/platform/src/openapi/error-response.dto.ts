import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI description of one offending field. */
export class FieldErrorDto {
  @ApiProperty({ example: 'data.lines.0.quantity' })
  field!: string;

  @ApiProperty({ example: 'min' })
  rule!: string;

  @ApiProperty({ example: 'quantity must not be less than 1' })
  message!: string;
}

/** OpenAPI description of the `error` object. */
export class ErrorDetailDto {
  @ApiProperty({ example: 'ORDER.NOT_FOUND', description: 'Stable machine-readable code' })
  code!: string;

  @ApiProperty({ example: 'Order "ORD-1001" does not exist' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  fields?: FieldErrorDto[];
}

/** OpenAPI description of every error answer: `{ "error": { code, message, fields? } }`. */
export class ErrorResponseDto {
  @ApiProperty({ type: ErrorDetailDto })
  error!: ErrorDetailDto;
}
