import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { MessagingLogger } from '../messaging-logger';

/** A kafkajs client whose own log lines (warnings and errors only) go to the service's logger. */
export function createKafkaClient(options: {
  brokers: readonly string[];
  clientId: string;
  logger: MessagingLogger;
}): Kafka {
  const { logger } = options;
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    retry: { retries: 8, initialRetryTime: 200 },
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...fields } = log;
        if (level === logLevel.ERROR) logger.error(`kafkajs: ${message}`, fields);
        else if (level === logLevel.WARN) logger.warn(`kafkajs: ${message}`, fields);
      },
  });
}
