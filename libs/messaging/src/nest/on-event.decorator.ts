import { SetMetadata } from '@nestjs/common';

export const ON_EVENT_METADATA = 'opsline:on-event';

/**
 * Marks a provider method as the handler of one CloudEvents type. It is called inside the batch's
 * database transaction with `(event, context)`; `context.manager` carries the transaction.
 */
export const OnEvent = (eventType: string): MethodDecorator => SetMetadata(ON_EVENT_METADATA, eventType);
