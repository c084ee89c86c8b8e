import {
  CLOUDEVENTS_BATCH_CONTENT_TYPE,
  CLOUDEVENTS_CONTENT_TYPE,
  EventTypeName,
  FieldError,
  validateCloudEvent,
  validateCloudEventBatch,
} from '@opsline/contracts';
import { RequestValidationError, UnprocessableError, UnsupportedMediaTypeError } from '@opsline/platform';

/** A validated ingest request: the events exactly as the sender wrote them, in order. */
export interface IngestEvents {
  readonly events: readonly IngestedEvent[];
}

export interface IngestedEvent {
  readonly id: string;
  readonly type: string;
  readonly subject: string;
  readonly data: { readonly warehouseId?: string };
  readonly [attribute: string]: unknown;
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** An error under `data` is a CloudEvent that breaks its type's rules (422); anything else is malformed (400). */
function isDataError(error: FieldError): boolean {
  return /^(\[\d+\]\.)?data(\.|\[|$)/.test(error.field);
}

function rejectInvalid(errors: readonly FieldError[]): never {
  if (errors.length > 0 && errors.every(isDataError)) {
    throw new UnprocessableError(
      'EVENT.INVALID_DATA',
      `Invalid event data: ${errors.map((e) => e.field).join(', ')}`,
      {
        fields: errors,
      },
    );
  }
  throw new RequestValidationError(errors);
}

/**
 * Validates the body of an HTTP ingest twin with the same validator the Kafka consumers use:
 * `application/cloudevents+json` (one event; plain `application/json` is read the same way) or
 * `application/cloudevents-batch+json` (a JSON array). A bad event fails the whole request:
 * nothing of it is stored.
 */
export function validateIngestRequest(
  contentType: string | undefined,
  body: unknown,
  acceptedTypes: readonly EventTypeName[],
): IngestEvents {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === CLOUDEVENTS_BATCH_CONTENT_TYPE) {
    const result = validateCloudEventBatch(body, { acceptedTypes });
    if (!result.ok) rejectInvalid(result.errors);
    return { events: body as IngestedEvent[] };
  }
  if (mediaType === CLOUDEVENTS_CONTENT_TYPE || mediaType === 'application/json') {
    const result = validateCloudEvent(body, { acceptedTypes });
    if (!result.ok) rejectInvalid(result.errors);
    return { events: [body as IngestedEvent] };
  }
  throw new UnsupportedMediaTypeError(
    'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    `Send ${CLOUDEVENTS_CONTENT_TYPE} (one event) or ${CLOUDEVENTS_BATCH_CONTENT_TYPE} (an array), not "${mediaType}"`,
  );
}
