import { spawnSync } from 'node:child_process';

/**
 * External Kafka clients (kcat, kafka-python) that some medium specs drive. They are Debian packages,
 * not npm dependencies, so a developer machine may lack them: then the suite skips with one line
 * saying what to install. CI sets OPSLINE_REQUIRE_EXTERNAL_CLIENTS=1, and a missing client fails.
 */
export interface ExternalClient {
  /** What the client is, for messages: "kcat", "python3-kafka". */
  readonly name: string;
  /** The command that installs it. */
  readonly install: string;
  /** Runs a cheap probe: true when the client can be used. */
  readonly probe: () => boolean;
}

/** The Python interpreter of the distribution, where python3-kafka lives (never a pyenv shim). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

function succeeds(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return result.error === undefined && result.status === 0;
}

export const KCAT: ExternalClient = {
  name: 'kcat',
  install: 'apt-get install -y kcat',
  probe: () => succeeds('kcat', ['-V']),
};

export const KAFKA_PYTHON: ExternalClient = {
  name: 'python3-kafka',
  install: 'apt-get install -y python3-kafka',
  probe: () => succeeds(SYSTEM_PYTHON, ['-c', 'import kafka']),
};

export function externalClientsRequired(): boolean {
  return process.env.OPSLINE_REQUIRE_EXTERNAL_CLIENTS === '1';
}

/**
 * `describe` when `client` is installed. Otherwise: with OPSLINE_REQUIRE_EXTERNAL_CLIENTS=1 a suite
 * whose only test fails saying what is missing; without it `describe.skip` and one line on stderr.
 */
export function describeWithClient(client: ExternalClient, title: string, body: () => void): void {
  if (client.probe()) {
    describe(title, body);
    return;
  }
  const missing = `${client.name} is not installed: ${client.install}`;
  if (externalClientsRequired()) {
    describe(title, () => {
      it(`needs ${client.name} (OPSLINE_REQUIRE_EXTERNAL_CLIENTS=1)`, () => {
        throw new Error(`${missing} (OPSLINE_REQUIRE_EXTERNAL_CLIENTS=1 forbids skipping)`);
      });
    });
    return;
  }
  process.stderr.write(`skipping "${title}": ${missing}\n`);
  describe.skip(title, body);
}
