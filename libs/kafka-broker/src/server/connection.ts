import { Socket } from 'node:net';
import { ApiKey } from '../protocol/api';
import { MalformedRequestError } from '../protocol/errors';
import { ErrorCode } from '../protocol/error-codes';
import { decodeRequestBody, encodeResponse, readRequestHeader, RequestHeader } from '../protocol/frame';
import { apiVersionsApi } from '../protocol/messages/api-versions';
import { API_BY_KEY } from '../protocol/messages';
import { ProtocolReader } from '../protocol/reader';
import { StructValue } from '../protocol/schema';
import { BrokerLogger } from './logger';
import { RequestRouter } from './request-router';

/** The smallest request header: api key, version, correlation id and a null client id. */
const MIN_FRAME_BYTES = 10;
/** Stop reading from a client whose responses pile up unsent, until its socket drains. */
const MAX_UNSENT_BYTES = 16 * 1024 * 1024;

interface ResponseSlot {
  ready: boolean;
  chunks: Buffer[] | null;
}

/**
 * One client connection: splits the byte stream into size-prefixed frames, hands each request to
 * the router, and writes the responses strictly in request order (as Kafka guarantees), even when
 * a later request (a metadata call) finishes before an earlier one (a long-polling fetch).
 */
export class BrokerConnection {
  private readonly received: Buffer[] = [];
  private receivedBytes = 0;
  private readonly slots: ResponseSlot[] = [];
  private lastClientId: string | null = null;
  private closed = false;
  readonly remote: string;

  constructor(
    private readonly socket: Socket,
    private readonly router: RequestRouter,
    private readonly logger: BrokerLogger,
    private readonly maxRequestBytes: number,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => socket.resume());
    socket.on('error', () => this.markClosed());
    socket.on('close', () => {
      if (!this.closed && this.receivedBytes > 0) {
        this.logger.warn('client disconnected mid-frame', {
          client: this.remote,
          clientId: this.lastClientId,
          bufferedBytes: this.receivedBytes,
        });
      }
      this.markClosed();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connection, logging who it was and why. */
  reject(reason: string): void {
    if (this.closed) return;
    this.logger.warn('closing client connection', {
      client: this.remote,
      clientId: this.lastClientId,
      reason,
    });
    this.markClosed();
    this.socket.destroy();
  }

  private markClosed(): void {
    this.closed = true;
  }

  private onData(chunk: Buffer): void {
    this.received.push(chunk);
    this.receivedBytes += chunk.length;
    while (!this.closed && this.receivedBytes >= 4) {
      const size = this.peekFrameSize();
      if (size < MIN_FRAME_BYTES || size > this.maxRequestBytes) {
        this.reject(`frame size ${size} outside ${MIN_FRAME_BYTES}..${this.maxRequestBytes} bytes`);
        return;
      }
      if (this.receivedBytes < size + 4) return;
      const frame = this.takeBytes(size + 4).subarray(4);
      this.handleFrame(frame);
    }
  }

  private peekFrameSize(): number {
    if (this.received[0].length < 4) this.joinReceived();
    return this.received[0].readInt32BE(0);
  }

  private joinReceived(): void {
    const joined = Buffer.concat(this.received, this.receivedBytes);
    this.received.length = 0;
    this.received.push(joined);
  }

  /** Removes the next `n` bytes from the receive queue, copying only when they span socket chunks. */
  private takeBytes(n: number): Buffer {
    if (this.received[0].length < n) this.joinReceived();
    const head = this.received[0];
    if (head.length === n) this.received.shift();
    else this.received[0] = head.subarray(n);
    this.receivedBytes -= n;
    return head.subarray(0, n);
  }

  private handleFrame(frame: Buffer): void {
    const reader = new ProtocolReader(frame);
    let header: RequestHeader;
    try {
      header = readRequestHeader(reader);
      this.lastClientId = header.clientId;
    } catch (error) {
      this.reject(`unreadable request header: ${(error as Error).message}`);
      return;
    }
    const api = API_BY_KEY.get(header.apiKey);
    if (api === undefined) {
      this.reject(`unknown API key ${header.apiKey}`);
      return;
    }
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      this.answerUnsupportedVersion(header);
      return;
    }
    try {
      const body = decodeRequestBody(reader, api, header.apiVersion);
      const slot: ResponseSlot = { ready: false, chunks: null };
      this.slots.push(slot);
      const context = { clientId: header.clientId ?? '', clientHost: this.socket.remoteAddress ?? '' };
      const result = this.router.route(api.key, header.apiVersion, body, context);
      const complete = (response: StructValue | null): void => {
        slot.chunks =
          response === null ? null : encodeResponse(api, header.apiVersion, header.correlationId, response);
        slot.ready = true;
        this.flushReadySlots();
      };
      if (result instanceof Promise)
        result.then(complete, (error: Error) => this.failRequest(api.name, error));
      else complete(result);
    } catch (error) {
      if (error instanceof MalformedRequestError)
        this.reject(`malformed ${api.name} v${header.apiVersion}: ${error.message}`);
      else this.failRequest(api.name, error as Error);
    }
  }

  /** Kafka answers an ApiVersions request it cannot parse with v0 and UNSUPPORTED_VERSION; any other API closes. */
  private answerUnsupportedVersion(header: RequestHeader): void {
    if (header.apiKey !== ApiKey.ApiVersions) {
      this.reject(`unsupported version ${header.apiVersion} of API key ${header.apiKey}`);
      return;
    }
    const body = this.router.route(
      ApiKey.ApiVersions,
      0,
      {},
      { clientId: '', clientHost: '' },
    ) as StructValue;
    const chunks = encodeResponse(apiVersionsApi, 0, header.correlationId, {
      ...body,
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
    });
    this.slots.push({ ready: true, chunks });
    this.flushReadySlots();
  }

  private failRequest(apiName: string, error: Error): void {
    this.logger.error('request handler failed', { api: apiName, client: this.remote, error: error.stack });
    this.reject(`internal error while handling ${apiName}`);
  }

  private flushReadySlots(): void {
    if (this.closed) return;
    const socket = this.socket;
    socket.cork();
    while (this.slots.length > 0 && this.slots[0].ready) {
      const slot = this.slots.shift() as ResponseSlot;
      if (slot.chunks !== null) for (const chunk of slot.chunks) socket.write(chunk);
    }
    socket.uncork();
    if (socket.writableLength > MAX_UNSENT_BYTES) socket.pause();
  }
}
