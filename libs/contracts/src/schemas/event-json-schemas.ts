import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

import { itemClassOf, UNIQUE_LINE_IDS_RULE, type ValidatedClass } from '../common/collections';
import { CURRENCY_CODE_PATTERN, CURRENCY_CODE_RULE } from '../common/money';
import { OPSLINE_ID_PATTERN, OPSLINE_ID_RULE } from '../common/opsline-id';
import { STORABLE_TEXT_RULE } from '../common/text';
import { UTC_TIMESTAMP_PATTERN, UTC_TIMESTAMP_RULE } from '../common/utc-timestamp';
import {
  CLOUDEVENTS_ATTRIBUTE_NAME_PATTERN,
  CLOUDEVENTS_SPEC_VERSION,
  CloudEventEnvelope,
} from '../envelope/cloud-event';
import { URI_REFERENCE_PATTERN, URI_REFERENCE_RULE } from '../envelope/uri-reference';
import { EVENT_DATA_CLASSES, type EventDataClassMap } from '../registry';
import { ingestTopicOf } from '../topics';

/** A JSON Schema document or fragment. */
export type JsonSchema = { [keyword: string]: unknown };

/** The JSON Schema dialect of the generated files. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Where the generated files live, relative to the repository root. */
export const SCHEMAS_DIRECTORY = 'docs/schemas';

/** Name of the file listing every generated schema. */
export const SCHEMA_INDEX_FILE = 'index.json';

type SchemaOptions = NonNullable<Parameters<typeof validationMetadatasToSchemas>[0]>;
type SchemaConverters = SchemaOptions['additionalConverters'];

const DEFS = '#/$defs/';

/**
 * How each class-validator rule reads in JSON Schema, where the library's defaults are wrong
 * for opsline: `min`/`max` would turn `integer` into `number`, `isDefined` adds `not null`
 * noise, nested arrays need our item classes, and our own rules need their patterns. A rule
 * without a converter fails the generation instead of silently becoming `{}`.
 */
const CONVERTERS: SchemaConverters = {
  [ValidationTypes.IS_DEFINED]: {},
  [ValidationTypes.CUSTOM_VALIDATION]: (meta) => {
    throw new Error(`no JSON Schema converter for rule ${meta.type} on ${meta.propertyName}`);
  },
  [ValidationTypes.NESTED_VALIDATION]: (meta) => {
    const itemClass =
      typeof meta.target === 'function'
        ? itemClassOf(meta.target as ValidatedClass, meta.propertyName)
        : undefined;
    if (!itemClass) {
      throw new Error(`${meta.propertyName}: nested values must be declared with IsNonEmptyArrayOf`);
    }
    return { $ref: DEFS + itemClass.name };
  },
  equals: (meta) => ({ const: meta.constraints[0] as unknown }),
  notEquals: (meta) => ({ not: { const: meta.constraints[0] as unknown } }),
  isInt: { type: 'integer' },
  min: (meta) => ({ minimum: meta.constraints[0] as number }),
  max: (meta) => ({ maximum: meta.constraints[0] as number }),
  isNotEmpty: { minLength: 1 },
  [OPSLINE_ID_RULE]: { type: 'string', pattern: OPSLINE_ID_PATTERN.source },
  [UTC_TIMESTAMP_RULE]: { type: 'string', format: 'date-time', pattern: UTC_TIMESTAMP_PATTERN.source },
  [CURRENCY_CODE_RULE]: { type: 'string', pattern: CURRENCY_CODE_PATTERN.source },
  [URI_REFERENCE_RULE]: { type: 'string', format: 'uri-reference', pattern: URI_REFERENCE_PATTERN.source },
  [UNIQUE_LINE_IDS_RULE]: { description: 'Every line has a different lineId.' },
  [STORABLE_TEXT_RULE]: {
    pattern: '^[^\\u0000]*$',
    description: 'No U+0000 and no unpaired UTF-16 surrogate: they cannot be stored.',
  },
};

/** The data class and, transitively, the item classes it nests, each once. */
function reachableClasses(dataClass: ValidatedClass): ValidatedClass[] {
  const found: ValidatedClass[] = [];
  const visit = (current: ValidatedClass): void => {
    if (found.includes(current)) {
      return;
    }
    found.push(current);
    const properties = getMetadataStorage()
      .getTargetValidationMetadatas(current, '', false, false)
      .filter((meta) => meta.type === ValidationTypes.NESTED_VALIDATION)
      .map((meta) => meta.propertyName);
    for (const property of properties) {
      const itemClass = itemClassOf(current, property);
      if (itemClass) {
        visit(itemClass);
      }
    }
  };
  visit(dataClass);
  return found;
}

function closedObject(schema: JsonSchema): JsonSchema {
  // `data` and its lines refuse fields they do not define (forbidNonWhitelisted).
  return { ...schema, additionalProperties: false };
}

function eventSchema(
  type: string,
  dataClass: ValidatedClass,
  classSchemas: Record<string, JsonSchema>,
): JsonSchema {
  const envelope = classSchemas[CloudEventEnvelope.name];
  const envelopeProperties = envelope.properties as Record<string, JsonSchema>;
  const defs: Record<string, JsonSchema> = {};
  for (const reachable of reachableClasses(dataClass)) {
    if (defs[reachable.name] || !classSchemas[reachable.name]) {
      throw new Error(
        `class name ${reachable.name} is used twice or has no rules; schemas are keyed by class name`,
      );
    }
    defs[reachable.name] = closedObject(classSchemas[reachable.name]);
  }
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: `urn:opsline:schema:${type}`,
    title: type,
    description:
      `A ${type} event: CloudEvents ${CLOUDEVENTS_SPEC_VERSION} in structured JSON mode. ` +
      'Other attributes with lowercase alphanumeric names are CloudEvents extensions and must be scalars.',
    type: 'object',
    properties: {
      ...envelopeProperties,
      type: { const: type },
      data: { $ref: DEFS + dataClass.name },
    },
    required: envelope.required,
    propertyNames: { pattern: CLOUDEVENTS_ATTRIBUTE_NAME_PATTERN.source },
    additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    $defs: defs,
  };
}

/**
 * Every generated file of `docs/schemas` as file name → JSON value: one schema per event type
 * (`opsline.order.placed.v1.json`, the envelope with that type's `data`) and `index.json`.
 */
export function buildEventJsonSchemaFiles(
  dataClasses: EventDataClassMap = EVENT_DATA_CLASSES,
): Map<string, JsonSchema> {
  const classSchemas = validationMetadatasToSchemas({
    additionalConverters: CONVERTERS,
    refPointerPrefix: DEFS,
  }) as Record<string, JsonSchema>;
  const files = new Map<string, JsonSchema>();
  const index: JsonSchema[] = [];
  for (const [type, dataClass] of Object.entries(dataClasses)) {
    const file = `${type}.json`;
    files.set(file, eventSchema(type, dataClass, classSchemas));
    const ingestTopic = ingestTopicOf(type);
    index.push({ type, file, ...(ingestTopic ? { ingestTopic } : {}) });
  }
  files.set(SCHEMA_INDEX_FILE, {
    $comment: 'Generated from libs/contracts by `npm run contracts:schemas`; do not edit.',
    dialect: JSON_SCHEMA_DIALECT,
    schemas: index,
  });
  return files;
}
