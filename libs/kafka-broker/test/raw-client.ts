/** A bare socket to the broker and the broker's captured log, for the malformed-input and abuse tests. */
import { connect, Socket } from 'node:net';
import { BrokerLogger } from '../src/server/logger';
import { waitFor } from './broker-fixture';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** Every line the broker logs (pass `logger` to `startTestBroker`). */
export class CapturedBrokerLog {
  readonly entries: LogEntry[] = [];
  readonly logger: BrokerLogger = {
    info: (message, fields = {}) => this.entries.push({ level: 'info', message, fields }),
    warn: (message, fields = {}) => this.entries.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => this.entries.push({ level: 'error', message, fields }),
  };

  /**
   * The broker's line about closing `client`, among the lines since it connected: hundreds of
   * connections reuse local ports, so an earlier line with the same address is another client's.
   */
  closingOf(client: RawClient): LogEntry | undefined {
    return this.entries
      .slice(client.logFrom)
      .find((l) => l.message === 'closing client connection' && l.fields.client === client.address);
  }
}

/** A bare socket to the broker that collects response frames and notices when the broker closes it. */
export class RawClient {
  private received = Buffer.alloc(0);
  /** The broker ended or reset the connection. */
  closed = false;
  /** The broker sent FIN (end of its side). */
  ended = false;
  /** The client address as the broker logs it; kept, since a destroyed socket forgets its port. */
  readonly address: string;

  private constructor(
    private readonly socket: Socket,
    /** How many lines the broker had logged when this client connected. */
    readonly logFrom: number,
  ) {
    this.address = `${socket.localAddress}:${socket.localPort}`;
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
    });
    socket.on('end', () => {
      this.ended = true;
    });
    // A reset (we may still be writing when the broker closes) is one way of being closed.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
    });
  }

  static open(port: number, log: CapturedBrokerLog): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      // allowHalfOpen: after our own end(), still tell whether the broker ended its side.
      const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket, log.entries.length));
      });
    });
  }

  get isGone(): boolean {
    return this.closed || this.ended;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Half-closes: no more bytes from us. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  closedByBroker(): Promise<true> {
    return waitFor(`the broker to close ${this.address}`, () => (this.isGone ? true : undefined));
  }

  /** The next complete response frame, if one has arrived. */
  takeResponse(): { correlationId: number; body: Buffer } | undefined {
    if (this.received.length < 4) return undefined;
    const size = this.received.readInt32BE(0);
    if (this.received.length < 4 + size) return undefined;
    const frame = this.received.subarray(4, 4 + size);
    this.received = this.received.subarray(4 + size);
    return { correlationId: frame.readInt32BE(0), body: frame.subarray(4) };
  }

  /** Waits for the next response frame. */
  response(): Promise<{ correlationId: number; body: Buffer }> {
    return waitFor(`a response on ${this.address}`, () => this.takeResponse());
  }
}
