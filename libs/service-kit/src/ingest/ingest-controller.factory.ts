import { Body, Controller, Headers, HttpCode, Post, Type } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EventTypeName } from '@opsline/contracts';
import { IngestPublisher } from '@opsline/messaging';
import {
  assertWarehouseAllowed,
  CurrentPrincipal,
  ErrorResponseDto,
  Principal,
  RequireScopes,
} from '@opsline/platform';
import { validateIngestRequest } from './ingest-request';

/** One HTTP twin of an ingest topic. */
export interface IngestTwinSpec {
  /** `orders` → `POST /ingest/orders`. */
  readonly path: string;
  readonly topic: string;
  readonly scope: string;
  readonly acceptedTypes: readonly EventTypeName[];
  /** Warehouse events: a key limited to a warehouse may only send that warehouse's events. */
  readonly warehouseScoped: boolean;
}

/** What a 202 says: the events are durably on the ingest topic. */
export class IngestAccepted {
  accepted!: number;
  ids!: string[];
}

/**
 * Builds the controller of an ingest twin: validate synchronously (400/422 naming the field,
 * nothing stored for a bad batch), check the key's scope and warehouse, produce to the ingest
 * topic with acks=all, and answer 202. The service's consumer then applies the events exactly as
 * it applies those that arrive on Kafka; a duplicate id has no second effect there.
 */
export function createIngestController(spec: IngestTwinSpec): Type<unknown> {
  @ApiTags('ingest')
  @ApiBearerAuth()
  @Controller('ingest')
  class IngestTwinController {
    constructor(private readonly publisher: IngestPublisher) {}

    @Post(spec.path)
    @HttpCode(202)
    @RequireScopes(spec.scope)
    @ApiOperation({
      summary: `Send ${spec.acceptedTypes.join(', ')} events (the HTTP twin of ${spec.topic})`,
    })
    @ApiConsumes('application/cloudevents+json', 'application/cloudevents-batch+json')
    @ApiBody({
      description: 'One CloudEvent, or a JSON array of them (see docs/schemas)',
      schema: { type: 'object' },
    })
    @ApiResponse({ status: 202, type: IngestAccepted, description: 'Durably on the ingest topic' })
    @ApiResponse({
      status: 400,
      type: ErrorResponseDto,
      description: 'Not a valid CloudEvent; fields name the problem',
    })
    @ApiResponse({ status: 401, type: ErrorResponseDto })
    @ApiResponse({ status: 403, type: ErrorResponseDto, description: 'Wrong scope or warehouse' })
    @ApiResponse({ status: 413, type: ErrorResponseDto })
    @ApiResponse({ status: 415, type: ErrorResponseDto })
    @ApiResponse({ status: 422, type: ErrorResponseDto, description: 'Event data breaks its type’s rules' })
    async ingest(
      @Headers('content-type') contentType: string | undefined,
      @Body() body: unknown,
      @CurrentPrincipal() principal: Principal,
    ): Promise<IngestAccepted> {
      const { events } = validateIngestRequest(contentType, body, spec.acceptedTypes);
      if (spec.warehouseScoped)
        for (const event of events) assertWarehouseAllowed(principal, event.data.warehouseId);
      await this.publisher.publish(spec.topic, events);
      return { accepted: events.length, ids: events.map((event) => event.id) };
    }
  }
  Object.defineProperty(IngestTwinController, 'name', {
    value: `Ingest${spec.path[0].toUpperCase()}${spec.path.slice(1)}Controller`,
  });
  return IngestTwinController;
}
