/**
 * Test oracle: kafkajs 2.2.4's own protocol code encodes requests the broker must decode field for field,
 * and decodes the responses the broker encodes, reading every byte.
 */
import { ApiSchema, isFlexible } from '../../api';
import { encodeResponse } from '../../frame';
import { ProtocolReader } from '../../reader';
import { StructValue, decodeStruct } from '../../schema';

// --- The slice of kafkajs's internal (untyped JavaScript) protocol modules these tests use. ---

export interface KafkaJsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ readonly buffer: Buffer }>;
}

export interface KafkaJsResponse<Decoded> {
  decode(payload: Buffer): Promise<Decoded>;
  parse(decoded: Decoded): Promise<Decoded>;
}

/** A kafkajs decoder's state; its `read*` methods are wrapped below to see how far each buffer was read. */
export interface KafkaJsDecoder {
  buffer: Buffer;
  offset: number;
}

export type DecoderMethod = (this: KafkaJsDecoder, ...args: unknown[]) => unknown;

export const KAFKAJS = 'kafkajs/src/protocol';
const decoderMethods = jest.requireActual<{ prototype: Record<string, DecoderMethod> }>(
  `${KAFKAJS}/decoder`,
).prototype;

const furthestRead = new WeakMap<Buffer, number>();
const originalReads = new Map<string, DecoderMethod>();

/** Wraps kafkajs's decoder reads for the calling spec file so that kafkajsDecodes can check every byte was read. */
export function trackKafkajsReads(): void {
  beforeAll(() => {
    for (const name of Object.getOwnPropertyNames(decoderMethods).filter((n) => n.startsWith('read'))) {
      const original = decoderMethods[name];
      originalReads.set(name, original);
      decoderMethods[name] = function (this: KafkaJsDecoder, ...args: unknown[]): unknown {
        const result = original.apply(this, args);
        furthestRead.set(this.buffer, Math.max(furthestRead.get(this.buffer) ?? 0, this.offset));
        return result;
      };
    }
  });

  afterAll(() => {
    for (const [name, original] of originalReads) decoderMethods[name] = original;
  });
}

/** Encodes `args` with kafkajs `requests/<dir>/v<version>` and decodes the body with the broker's schema. */
export async function brokerDecodes<Args>(
  api: ApiSchema,
  dir: string,
  version: number,
  args: Args,
): Promise<StructValue> {
  const build = jest.requireActual<(args: Args) => KafkaJsRequest>(
    `${KAFKAJS}/requests/${dir}/v${version}/request`,
  );
  const request = build(args);
  expect([request.apiKey, request.apiVersion]).toEqual([api.key, version]);
  const reader = new ProtocolReader((await request.encode()).buffer);
  const body = decodeStruct(reader, api.request, version, isFlexible(api, version));
  expect(reader.remaining).toBe(0);
  return body;
}

/** Frames `body` with the broker, checks size prefix and correlation id, and returns what follows them. */
export function brokerFrames(api: ApiSchema, version: number, body: StructValue): Buffer {
  const correlationId = 0x10000 * api.key + version + 7;
  const frame = Buffer.concat(encodeResponse(api, version, correlationId, body));
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  expect(frame.readInt32BE(4)).toBe(correlationId);
  return frame.subarray(8);
}

/**
 * Decodes a broker-encoded response with kafkajs `requests/<dir>/v<version>/response`, which must read
 * every byte. `Decoded` is the shape the caller expects: kafkajs is untyped, so it is asserted, not checked.
 */
export async function kafkajsDecodes<Decoded = unknown>(
  api: ApiSchema,
  dir: string,
  version: number,
  body: StructValue,
): Promise<{ decoded: Decoded; response: KafkaJsResponse<Decoded> }> {
  const response = jest.requireActual<KafkaJsResponse<Decoded>>(
    `${KAFKAJS}/requests/${dir}/v${version}/response`,
  );
  const payload = brokerFrames(api, version, body);
  const decoded = await response.decode(payload);
  expect(furthestRead.get(payload)).toBe(payload.length);
  return { decoded, response };
}

/**
 * kafkajs's view of throttle_time_ms: absent before version `since`, `throttleTime` until the KIP-219
 * bump at `clientSideFrom`, then `clientSideThrottleTime` (with `throttleTime: 0`).
 */
export function kafkajsThrottle(version: number, since: number, clientSideFrom: number, ms: number): object {
  if (version < since) return {};
  return version < clientSideFrom ? { throttleTime: ms } : { throttleTime: 0, clientSideThrottleTime: ms };
}

/** The versions of `api` the broker serves, up to `max` (the last one kafkajs implements, if lower). */
export function versionsOf(api: ApiSchema, max = api.maxVersion): number[] {
  return Array.from({ length: max - api.minVersion + 1 }, (_, i) => api.minVersion + i);
}
