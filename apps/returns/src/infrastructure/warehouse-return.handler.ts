import { Injectable } from '@nestjs/common';
import { RETURN_INSPECTED_V1, RETURN_RECEIVED_V1 } from '@opsline/contracts';
import { ConsumedEvent, HandlerContext, OnEvent } from '@opsline/messaging';
import { RecordWarehouseFactUseCase } from '../application/record-warehouse-fact.use-case';

/** Return receipts and inspections from the warehouse (`opsline.ingest.warehouse`, own consumer group). */
@Injectable()
export class WarehouseReturnHandler {
  constructor(private readonly recordFact: RecordWarehouseFactUseCase) {}

  @OnEvent(RETURN_RECEIVED_V1)
  async onReturnReceived(event: ConsumedEvent, { manager, topic }: HandlerContext): Promise<void> {
    await this.recordFact.execute(manager, event, { topic });
  }

  @OnEvent(RETURN_INSPECTED_V1)
  async onReturnInspected(event: ConsumedEvent, { manager, topic }: HandlerContext): Promise<void> {
    await this.recordFact.execute(manager, event, { topic });
  }
}
