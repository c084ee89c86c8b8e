import { MalformedRequestError } from './errors';
import { ProtocolReader } from './reader';
import { ProtocolWriter } from './writer';

/**
 * A small schema language for Kafka messages, shaped like the protocol's own JSON message
 * definitions: each field names the versions it exists in and the versions in which it may be
 * null. One interpreter encodes and decodes every API and version, including the flexible
 * (compact + tagged fields) encoding.
 */
export type PrimitiveType =
  'int8' | 'int16' | 'int32' | 'int64' | 'bool' | 'string' | 'bytes' | 'records' | 'uuid';

export interface ArrayType {
  readonly arrayOf: FieldType;
}

export type StructType = readonly FieldDef[];
export type FieldType = PrimitiveType | ArrayType | StructType;

/** Inclusive version range; `max` is Infinity for "N+". */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly versions: VersionRange;
  readonly nullableVersions?: VersionRange;
  readonly defaultValue?: unknown;
}

/** A decoded struct: field name → value. Typed views over it live beside each message schema. */
export type StructValue = Record<string, unknown>;

/** Parses "3+", "0-7" or "5" as in Kafka's message definitions. */
export function versions(spec: string): VersionRange {
  if (spec.endsWith('+')) return { min: Number(spec.slice(0, -1)), max: Infinity };
  const [min, max] = spec.split('-').map(Number);
  return { min, max: max ?? min };
}

function inRange(range: VersionRange | undefined, version: number): boolean {
  return range !== undefined && version >= range.min && version <= range.max;
}

/** Declares a field: `field('throttleTimeMs', 'int32', '1+')`. */
export function field(
  name: string,
  type: FieldType,
  versionSpec: string,
  options: { nullable?: string; defaultValue?: unknown } = {},
): FieldDef {
  return {
    name,
    type,
    versions: versions(versionSpec),
    nullableVersions: options.nullable === undefined ? undefined : versions(options.nullable),
    defaultValue: options.defaultValue,
  };
}

export function arrayOf(type: FieldType): ArrayType {
  return { arrayOf: type };
}

function isArrayType(type: FieldType): type is ArrayType {
  return typeof type === 'object' && 'arrayOf' in type;
}

function isStructType(type: FieldType): type is StructType {
  return Array.isArray(type);
}

function defaultFor(def: FieldDef): unknown {
  if (def.defaultValue !== undefined) return def.defaultValue;
  if (isArrayType(def.type)) return [];
  switch (def.type) {
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
      return 0;
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
    case 'records':
      return null;
    case 'uuid':
      return Buffer.alloc(16);
    default:
      return null;
  }
}

/** Decodes one struct of the given schema at `version`. */
export function decodeStruct(
  reader: ProtocolReader,
  schema: StructType,
  version: number,
  flexible: boolean,
): StructValue {
  const value: StructValue = {};
  for (const def of schema) {
    value[def.name] = inRange(def.versions, version)
      ? decodeValue(reader, def.type, version, flexible, inRange(def.nullableVersions, version), def.name)
      : defaultFor(def);
  }
  if (flexible) reader.skipTaggedFields();
  return value;
}

function decodeValue(
  reader: ProtocolReader,
  type: FieldType,
  version: number,
  flexible: boolean,
  nullable: boolean,
  name: string,
): unknown {
  if (isStructType(type)) return decodeStruct(reader, type, version, flexible);
  if (isArrayType(type)) {
    const length = reader.arrayLength(flexible);
    if (length === null) return nullOrFail(nullable, name);
    const items: unknown[] = new Array(length);
    for (let i = 0; i < length; i++)
      items[i] = decodeValue(reader, type.arrayOf, version, flexible, false, name);
    return items;
  }
  return decodePrimitive(reader, type, flexible, nullable, name);
}

function decodePrimitive(
  reader: ProtocolReader,
  type: PrimitiveType,
  flexible: boolean,
  nullable: boolean,
  name: string,
): unknown {
  switch (type) {
    case 'int8':
      return reader.int8();
    case 'int16':
      return reader.int16();
    case 'int32':
      return reader.int32();
    case 'int64':
      return reader.int64();
    case 'bool':
      return reader.bool();
    case 'uuid':
      return reader.uuid();
    case 'string': {
      const text = reader.nullableString(flexible);
      return text === null ? nullOrFail(nullable, name) : text;
    }
    case 'bytes':
    case 'records': {
      const bytes = reader.nullableBytes(flexible);
      return bytes === null ? nullOrFail(nullable || type === 'records', name) : bytes;
    }
  }
}

function nullOrFail(nullable: boolean, name: string): null {
  if (!nullable) throw new MalformedRequestError(`field ${name} is null but not nullable`);
  return null;
}

/** Encodes one struct of the given schema at `version`; fields absent from `value` take defaults. */
export function encodeStruct(
  writer: ProtocolWriter,
  schema: StructType,
  version: number,
  flexible: boolean,
  value: StructValue,
): void {
  for (const def of schema) {
    if (!inRange(def.versions, version)) continue;
    const fieldValue = value[def.name] === undefined ? defaultFor(def) : value[def.name];
    encodeValue(writer, def.type, version, flexible, fieldValue);
  }
  if (flexible) writer.unsignedVarint(0);
}

function encodeValue(
  writer: ProtocolWriter,
  type: FieldType,
  version: number,
  flexible: boolean,
  value: unknown,
): void {
  if (isStructType(type)) return encodeStruct(writer, type, version, flexible, value as StructValue);
  if (isArrayType(type)) {
    const items = value as unknown[] | null;
    writer.arrayLength(items === null ? null : items.length, flexible);
    if (items !== null) for (const item of items) encodeValue(writer, type.arrayOf, version, flexible, item);
    return;
  }
  encodePrimitive(writer, type, flexible, value);
}

function encodePrimitive(
  writer: ProtocolWriter,
  type: PrimitiveType,
  flexible: boolean,
  value: unknown,
): void {
  switch (type) {
    case 'int8':
      writer.int8(value as number);
      return;
    case 'int16':
      writer.int16(value as number);
      return;
    case 'int32':
      writer.int32(value as number);
      return;
    case 'int64':
      writer.int64(value as number);
      return;
    case 'bool':
      writer.bool(value as boolean);
      return;
    case 'uuid':
      writer.raw(value as Buffer);
      return;
    case 'string':
      writer.nullableString(value as string | null, flexible);
      return;
    case 'bytes':
    case 'records':
      writer.nullableBytes(value as Buffer | null, flexible);
      return;
  }
}
