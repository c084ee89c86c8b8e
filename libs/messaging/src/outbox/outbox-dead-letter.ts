import { deadLetterTopic } from '@opsline/contracts';
import { ConsumedEvent } from '../consumer/consumed-event';
import { DeadLetterHeader } from '../consumer/dead-letter-publisher';
import { OutboxEntry } from './outbox';

/**
 * The dead letter of an event a service kept aside (parked) and gave up on, as an outbox entry
 * for `<source topic>.dlq` with the consumer's dead-letter headers. The outbox (not
 * `DeadLetterPublisher`) because the decision is made inside a database transaction: the dead
 * letter and the removal from the parking lot commit together. The original Kafka record
 * (partition, offset, bytes) is no longer at hand, so the event is re-serialized from the
 * validated CloudEvent.
 */
export function outboxDeadLetter(event: ConsumedEvent, sourceTopic: string, error: string): OutboxEntry {
  return {
    topic: deadLetterTopic(sourceTopic),
    event: { ...event, id: event.id, type: event.type, subject: event.subject },
    headers: {
      [DeadLetterHeader.sourceTopic]: sourceTopic,
      [DeadLetterHeader.reason]: 'handler-failed',
      [DeadLetterHeader.error]: error,
      [DeadLetterHeader.failedAt]: new Date().toISOString(),
    },
  };
}
