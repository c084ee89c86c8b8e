import { ApiSchema, ApiKey, isFlexible } from './api';
import { MalformedRequestError } from './errors';
import { ProtocolReader } from './reader';
import { StructValue, decodeStruct, encodeStruct } from './schema';
import { ProtocolWriter } from './writer';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Reads request header v1 (and, for flexible versions, v2's tagged fields are read by `decodeRequestBody`). */
export function readRequestHeader(reader: ProtocolReader): RequestHeader {
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const clientId = reader.nullableString(false);
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Decodes the request body after the header; a flexible request has tagged header fields first. */
export function decodeRequestBody(reader: ProtocolReader, api: ApiSchema, version: number): StructValue {
  const flexible = isFlexible(api, version);
  if (flexible) reader.skipTaggedFields();
  const body = decodeStruct(reader, api.request, version, flexible);
  if (reader.remaining !== 0) {
    throw new MalformedRequestError(
      `${reader.remaining} unexpected bytes after ${api.name} v${version} request`,
    );
  }
  return body;
}

/**
 * Encodes a whole response frame (size prefix, header, body) as chunks for one socket write.
 * ApiVersions always answers with header v0 so that a client can read it whatever it asked for.
 */
export function encodeResponse(
  api: ApiSchema,
  version: number,
  correlationId: number,
  body: StructValue,
): Buffer[] {
  const flexible = isFlexible(api, version);
  const writer = new ProtocolWriter();
  writer.int32(0).int32(correlationId);
  if (flexible && api.key !== ApiKey.ApiVersions) writer.unsignedVarint(0);
  encodeStruct(writer, api.response, version, flexible, body);
  const chunks = writer.toChunks();
  chunks[0].writeInt32BE(writer.length - 4, 0);
  return chunks;
}
