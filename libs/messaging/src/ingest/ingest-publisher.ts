import { Producer } from 'kafkajs';
import { eventHeaders } from '../event-headers';
import { OutgoingEvent } from '../outbox/outbox';

/**
 * The HTTP ingest twins hand validated events to Kafka here: acks=all, keyed by subject, so a 202
 * means the events are durably on the ingest topic; the same consumer path then applies them.
 */
export class IngestPublisher {
  constructor(private readonly producer: Producer) {}

  async publish(topic: string, events: readonly OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.producer.send({
      topic,
      acks: -1,
      messages: events.map((event) => ({
        key: event.subject,
        value: JSON.stringify(event),
        headers: eventHeaders(event.type),
      })),
    });
  }
}
