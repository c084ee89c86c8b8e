/**
 * npm run dlq -- list <topic>                     dead letters of <topic> (reads <topic>.dlq)
 * npm run dlq -- show <topic> <partition>:<offset>  one dead letter in full
 * npm run dlq -- replay <topic> [--all | <partition>:<offset> ...]
 *                                                  send them back to <topic> (fix the cause first)
 * KAFKA_BROKERS (default 127.0.0.1:9092) names the brokers.
 */
import { parseArgs } from 'node:util';
import { createKafkaClient } from '../kafka/kafka-client';
import { DeadLetterRecord, DeadLetterStore } from './dead-letter-store';

const USAGE = `usage: npm run dlq -- list <topic> | show <topic> <partition>:<offset> | replay <topic> (--all | <partition>:<offset> ...)`;

function printLine(record: DeadLetterRecord): void {
  const error = record.error.length > 120 ? `${record.error.slice(0, 117)}...` : record.error;
  process.stdout.write(
    `${record.partition}:${record.offset}  ${record.reason}  from ${record.sourceTopic}[${record.sourcePartition}]@${record.sourceOffset}  ` +
      `${record.eventType ?? '?'} ${record.eventId ?? '?'}  ${error}\n`,
  );
}

function printFull(record: DeadLetterRecord): void {
  const text = record.value?.toString() ?? 'null';
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Shown as raw text: an unparseable value is itself the finding.
  }
  process.stdout.write(`${JSON.stringify({ ...record, value }, null, 2)}\n`);
}

function select(records: DeadLetterRecord[], positions: string[]): DeadLetterRecord[] {
  return positions.map((position) => {
    const found = records.find((r) => `${r.partition}:${r.offset}` === position);
    if (found === undefined) throw new Error(`no dead letter at ${position}`);
    return found;
  });
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false } },
  });
  const [command, topic, ...positions] = positionals;
  if (topic === undefined || !['list', 'show', 'replay'].includes(command)) throw new Error(USAGE);
  if (command === 'show' && positions.length === 0) throw new Error(USAGE);
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const logger = {
    info: () => undefined,
    warn: () => undefined,
    error: (m: string) => process.stderr.write(`${m}\n`),
  };
  const store = new DeadLetterStore(createKafkaClient({ brokers, clientId: 'opsline-dlq-cli', logger }));
  const records = await store.list(topic);
  if (command === 'list') {
    records.forEach(printLine);
    process.stdout.write(`${records.length} dead letter(s) in ${topic}.dlq\n`);
  } else if (command === 'show') {
    select(records, positions).forEach(printFull);
  } else {
    if (!values.all && positions.length === 0)
      throw new Error('replay needs --all or <partition>:<offset> positions');
    const chosen = values.all ? records : select(records, positions);
    process.stdout.write(`replayed ${await store.replay(chosen)} dead letter(s) to ${topic}\n`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
