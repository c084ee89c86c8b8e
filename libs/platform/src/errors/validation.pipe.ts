import { ValidationPipe } from '@nestjs/common';
import { RequestValidationError } from './domain-error';
import { validationErrorsToFields } from './validation-fields';

/**
 * The global pipe: class-validator DTOs are transformed and validated, properties without decorators
 * stripped, and failures raised as {@link RequestValidationError} (400 `REQUEST.VALIDATION_FAILED`
 * naming each field), never as `BadRequestException`.
 */
export function createPlatformValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new RequestValidationError(validationErrorsToFields(errors)),
  });
}
