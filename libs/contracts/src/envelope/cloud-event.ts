import { Equals, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

import { composePropertyDecorators } from '../common/compose-decorators';
import { IsOpslineId } from '../common/opsline-id';
import { IsRequired } from '../common/required';
import { IsUtcTimestamp } from '../common/utc-timestamp';
import { IsUriReference } from './uri-reference';

/** The only CloudEvents version opsline speaks. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** The only `datacontenttype` accepted: `data` is JSON. */
export const JSON_DATA_CONTENT_TYPE = 'application/json';

/** Media type of one event in structured mode (HTTP `Content-Type`, recommended Kafka `content-type` header). */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** Media type of a JSON array of events (HTTP ingest twins only). */
export const CLOUDEVENTS_BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/** Longest accepted event id (and correlation / causation id). */
export const MAX_EVENT_ID_LENGTH = 256;

/** CloudEvents attribute names: lowercase ASCII letters and digits. */
export const CLOUDEVENTS_ATTRIBUTE_NAME_PATTERN = /^[a-z0-9]+$/;

/** Envelope attributes opsline knows; any other attribute is an extension (see `validation.ts`). */
export const CLOUD_EVENT_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'subject',
  'datacontenttype',
  'correlationid',
  'causationid',
  'data',
] as const;

/** Name of an envelope attribute opsline knows. */
export type CloudEventAttribute = (typeof CLOUD_EVENT_ATTRIBUTES)[number];

function IsEventId(): PropertyDecorator {
  return composePropertyDecorators(
    IsRequired(),
    IsString(),
    IsNotEmpty({ message: (args) => `${args.property} must not be empty` }),
    MaxLength(MAX_EVENT_ID_LENGTH),
  );
}

/**
 * The CloudEvents 1.0 structured-mode envelope as sent on the wire, before its `data` is
 * checked against the class registered for its `type`. `validateCloudEvent` validates it;
 * code that handles events uses {@link CloudEvent} instead.
 */
export class CloudEventEnvelope {
  /** Always `'1.0'`. Rule `equals`. */
  @IsRequired()
  @Equals(CLOUDEVENTS_SPEC_VERSION, { message: (args) => `${args.property} must be '1.0'` })
  specversion!: typeof CLOUDEVENTS_SPEC_VERSION;

  /** Unique per event and the de-duplication key: the same id twice has the effect of one. 1..256 characters. */
  @IsEventId()
  id!: string;

  /** Who produced the event, as a URI-reference (`/channels/webshop`). */
  @IsUriReference()
  source!: string;

  /** Versioned event type, `opsline.order.placed.v1`; must be a registered type. */
  @IsRequired()
  @IsString()
  type!: string;

  /** Business time: when it happened, UTC with milliseconds. Every KPI is bucketed by it. */
  @IsUtcTimestamp()
  time!: string;

  /** The aggregate id (`ORD-1001`); also the Kafka message key. */
  @IsOpslineId()
  subject!: string;

  /** When present, `'application/json'`. Rule `equals`. */
  @IsOptional()
  @Equals(JSON_DATA_CONTENT_TYPE, {
    message: (args) => `${args.property} must be '${JSON_DATA_CONTENT_TYPE}'`,
  })
  datacontenttype?: typeof JSON_DATA_CONTENT_TYPE;

  /** Extension attribute: id shared by every event of one business flow (often the first event's id). */
  @IsOptional()
  @IsEventId()
  correlationid?: string;

  /** Extension attribute: id of the event (or command) that directly caused this one. */
  @IsOptional()
  @IsEventId()
  causationid?: string;

  /** The payload, a JSON object validated against the class registered for `type`. */
  @IsRequired()
  @IsObject({ message: (args) => `${args.property} must be a JSON object` })
  data!: Record<string, unknown>;
}

/**
 * A validated CloudEvent of type `TType` whose `data` is an instance of that type's data class.
 * Extension attributes other than `correlationid` / `causationid` stay on the object as sent,
 * so serialising it again forwards them, but they are not typed.
 */
export interface CloudEvent<TType extends string = string, TData = unknown> {
  /** Always `'1.0'`. */
  readonly specversion: typeof CLOUDEVENTS_SPEC_VERSION;
  /** Unique per event; the de-duplication key. */
  readonly id: string;
  /** Who produced the event (URI-reference). */
  readonly source: string;
  /** The versioned event type. */
  readonly type: TType;
  /** Business time, `2026-11-20T10:00:00.000Z`. */
  readonly time: string;
  /** The aggregate id; also the Kafka message key. */
  readonly subject: string;
  /** `'application/json'` when the sender set it. */
  readonly datacontenttype?: typeof JSON_DATA_CONTENT_TYPE;
  /** Id shared by every event of one business flow. */
  readonly correlationid?: string;
  /** Id of the event that caused this one. */
  readonly causationid?: string;
  /** The payload. */
  readonly data: TData;
}
