import { Injectable } from '@nestjs/common';
import { RETURN_REQUESTED_V1, ReturnRequestedV1 } from '@opsline/contracts';
import { ConsumedEvent, HandlerContext, OnEvent } from '@opsline/messaging';
import { RequestReturnUseCase } from '../application/request-return.use-case';

/** Return requests on `opsline.ingest.returns` (from Kafka or the HTTP twin). */
@Injectable()
export class ReturnRequestHandler {
  constructor(private readonly requestReturn: RequestReturnUseCase) {}

  @OnEvent(RETURN_REQUESTED_V1)
  async onReturnRequested(event: ConsumedEvent, { manager }: HandlerContext): Promise<void> {
    await this.requestReturn.execute(manager, {
      eventId: event.id,
      requestedAt: event.time,
      ...(event.correlationid === undefined ? {} : { correlationId: event.correlationid }),
      data: event.data as ReturnRequestedV1,
    });
  }
}
