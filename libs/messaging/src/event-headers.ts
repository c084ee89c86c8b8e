import { CLOUDEVENTS_CONTENT_TYPE } from '@opsline/contracts';

/**
 * The header naming the event's `type` (the CloudEvents Kafka binding's attribute header). opsline's
 * producers set it beside the structured JSON value, so a consumer can pass over a type it has no
 * handler for without parsing and validating the value; a message without it is parsed as before.
 */
export const EVENT_TYPE_HEADER = 'ce_type';

/** The headers opsline's producers put on an event they publish (content-type: contract §1). */
export function eventHeaders(type: string): Record<string, string> {
  return { 'content-type': CLOUDEVENTS_CONTENT_TYPE, [EVENT_TYPE_HEADER]: type };
}
