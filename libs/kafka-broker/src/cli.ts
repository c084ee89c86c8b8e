import { parseArgs } from 'node:util';
import { BrokerOptions, startBroker } from './server/broker';
import { FsyncPolicy } from './server/broker-context';
import { jsonLogger } from './server/logger';

const USAGE = `Usage: npm run broker -- [options]
  --port N                  listen port (default 9092)
  --host H                  listen address (default 127.0.0.1)
  --advertised-host H       host given to clients in metadata (default 127.0.0.1)
  --data-dir DIR            where logs and offsets live (default .opsline/kafka)
  --partitions N            partitions of auto-created topics (default 3)
  --no-auto-create          do not create topics on first use
  --fsync always|interval|never   (default interval)
  --flush-interval-ms N     fsync period with --fsync interval (default 1000)
  --retention-ms N          delete segments older than this (default -1: keep forever)
  --retention-bytes N       keep at most this much per partition (default -1: no limit)
  --segment-bytes N         roll segments at this size (default 128 MiB)`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new Error(`--${name} must be an integer, got "${value}"`);
  return parsed;
}

function parseOptions(argv: string[]): BrokerOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'advertised-host': { type: 'string' },
      'data-dir': { type: 'string', default: '.opsline/kafka' },
      partitions: { type: 'string' },
      'no-auto-create': { type: 'boolean', default: false },
      fsync: { type: 'string' },
      'flush-interval-ms': { type: 'string' },
      'retention-ms': { type: 'string' },
      'retention-bytes': { type: 'string' },
      'segment-bytes': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (values.fsync !== undefined && !['always', 'interval', 'never'].includes(values.fsync)) {
    throw new Error(`--fsync must be always, interval or never, got "${values.fsync}"`);
  }
  const options: BrokerOptions = {
    dataDir: values['data-dir'] as string,
    port: integer('port', values.port),
    host: values.host,
    advertisedHost: values['advertised-host'],
    defaultPartitions: integer('partitions', values.partitions),
    autoCreateTopics: !values['no-auto-create'],
    fsync: values.fsync as FsyncPolicy | undefined,
    flushIntervalMs: integer('flush-interval-ms', values['flush-interval-ms']),
    retentionMs: integer('retention-ms', values['retention-ms']),
    retentionBytes: integer('retention-bytes', values['retention-bytes']),
    segmentBytes: integer('segment-bytes', values['segment-bytes']),
  };
  // Unset options keep the broker's defaults instead of overriding them with undefined.
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as BrokerOptions;
}

async function main(): Promise<void> {
  let options: BrokerOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const broker = await startBroker({ ...options, logger: jsonLogger });
  const stop = (signal: string): void => {
    jsonLogger.info('stopping broker', { signal });
    broker.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
  jsonLogger.error('broker failed to start', { error: error.message });
  process.exit(1);
});
