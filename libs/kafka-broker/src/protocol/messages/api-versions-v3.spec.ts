/**
 * ApiVersions v3 is the one flexible version the broker serves and kafkajs does not implement, but it is
 * the first request librdkafka (and the Java client) sends. The request is built here byte by byte as
 * librdkafka writes it; the response must use header v0 whatever the request version (KIP-511).
 */
import { ApiKey, ApiSchema } from '../api';
import { MalformedRequestError } from '../errors';
import { decodeRequestBody, encodeResponse, readRequestHeader } from '../frame';
import { ProtocolReader } from '../reader';
import { decodeStruct } from '../schema';
import { apiVersionsApi } from './api-versions';
import { heartbeatApi } from './heartbeat';
import { SUPPORTED_APIS } from './index';

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function int16(value: number): Buffer {
  const buf = Buffer.alloc(2);
  buf.writeInt16BE(value);
  return buf;
}

function int32(value: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeInt32BE(value);
  return buf;
}

/** Request header v1's client id: a classic (int16-length) nullable string, even in header v2. */
function headerString(value: string | null): Buffer {
  return value === null ? int16(-1) : Buffer.concat([int16(Buffer.byteLength(value)), Buffer.from(value)]);
}

function compactString(value: string): Buffer {
  return Buffer.concat([uvarint(Buffer.byteLength(value) + 1), Buffer.from(value)]);
}

/** Tagged fields: a count, then tag, size and data for each. */
function taggedFields(...fields: [tag: number, data: Buffer][]): Buffer {
  return Buffer.concat([
    uvarint(fields.length),
    ...fields.flatMap(([tag, data]) => [uvarint(tag), uvarint(data.length), data]),
  ]);
}

/** An ApiVersions v3 request after its size prefix: request header v2, then the flexible body. */
function librdkafkaApiVersionsRequest(
  correlationId: number,
  clientId: string | null,
  headerTags: Buffer = taggedFields(),
  bodyTags: Buffer = taggedFields(),
): Buffer {
  return Buffer.concat([
    int16(ApiKey.ApiVersions),
    int16(3),
    int32(correlationId),
    headerString(clientId),
    headerTags,
    compactString('librdkafka'),
    compactString('2.3.0'),
    bodyTags,
  ]);
}

const ADVERTISED = SUPPORTED_APIS.map(({ key, minVersion, maxVersion }) => ({
  apiKey: key,
  minVersion,
  maxVersion,
}));

describe('ApiVersions v3 (flexible)', () => {
  it.each(['rdkafka', null])(
    'ApiVersions v3 request as librdkafka sends it (client id %p) decodes through header v2',
    (clientId) => {
      const reader = new ProtocolReader(librdkafkaApiVersionsRequest(1, clientId));
      expect(readRequestHeader(reader)).toEqual({
        apiKey: ApiKey.ApiVersions,
        apiVersion: 3,
        correlationId: 1,
        clientId,
      });
      expect(decodeRequestBody(reader, apiVersionsApi, 3)).toEqual({
        clientSoftwareName: 'librdkafka',
        clientSoftwareVersion: '2.3.0',
      });
      expect(reader.remaining).toBe(0);
    },
  );

  it('ApiVersions v3 request skips unknown tagged fields in the header and the body', () => {
    const frame = librdkafkaApiVersionsRequest(
      77,
      'rdkafka',
      taggedFields([0, Buffer.from('abc')]),
      taggedFields([3, Buffer.alloc(0)], [200, Buffer.alloc(130, 7)]),
    );
    const reader = new ProtocolReader(frame);
    expect(readRequestHeader(reader).correlationId).toBe(77);
    expect(decodeRequestBody(reader, apiVersionsApi, 3)).toEqual({
      clientSoftwareName: 'librdkafka',
      clientSoftwareVersion: '2.3.0',
    });
  });

  it('ApiVersions v3 request with bytes after its tagged fields is malformed', () => {
    const reader = new ProtocolReader(
      Buffer.concat([librdkafkaApiVersionsRequest(1, 'rdkafka'), Buffer.from([0])]),
    );
    readRequestHeader(reader);
    expect(() => decodeRequestBody(reader, apiVersionsApi, 3)).toThrow(MalformedRequestError);
  });

  it('ApiVersions v3 response uses header v0 (no tagged fields after the correlation id) and compact arrays', () => {
    const frame = Buffer.concat(
      encodeResponse(apiVersionsApi, 3, 0x01020304, { errorCode: 0, apiKeys: ADVERTISED, throttleTimeMs: 0 }),
    );
    const body = Buffer.concat([
      int16(0),
      uvarint(ADVERTISED.length + 1),
      ...ADVERTISED.flatMap(({ apiKey, minVersion, maxVersion }) => [
        int16(apiKey),
        int16(minVersion),
        int16(maxVersion),
        taggedFields(),
      ]),
      int32(0),
      taggedFields(),
    ]);
    expect(frame).toEqual(Buffer.concat([int32(4 + body.length), int32(0x01020304), body]));

    const reader = new ProtocolReader(frame.subarray(8));
    expect(decodeStruct(reader, apiVersionsApi.response, 3, true)).toEqual({
      errorCode: 0,
      apiKeys: ADVERTISED,
      throttleTimeMs: 0,
    });
    expect(reader.remaining).toBe(0);
  });

  it('a flexible response of any other API uses header v1 (a tagged-field byte after the correlation id)', () => {
    // Heartbeat v4 is flexible in Kafka; the broker stops at v3, so widen the schema for this check.
    const heartbeatV4: ApiSchema = { ...heartbeatApi, maxVersion: 4, flexibleFrom: 4 };
    const frame = Buffer.concat(encodeResponse(heartbeatV4, 4, 9, { throttleTimeMs: 5, errorCode: 27 }));
    expect(frame).toEqual(
      Buffer.concat([int32(12), int32(9), taggedFields(), int32(5), int16(27), taggedFields()]),
    );
  });
});
