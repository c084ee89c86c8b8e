import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// ajv 8 is what Fastify (@nestjs/platform-fastify) validates with; here it checks that the
// published schemas agree with the validator on real examples.
import Ajv2020 from 'ajv/dist/2020';

import { ORDER_PLACED_V1 } from '../events/ingest/order-placed.v1';
import { RETURN_INSPECTED_V1 } from '../events/ingest/return-inspected.v1';
import { EVENT_DATA_CLASSES, type EventTypeName } from '../registry';
import { ABSENT, exampleEvent, exampleEventWith } from '../testing/example-events';
import { validateCloudEvent } from '../validation';
import {
  buildEventJsonSchemaFiles,
  SCHEMA_INDEX_FILE,
  SCHEMAS_DIRECTORY,
  type JsonSchema,
} from './event-json-schemas';

const SCHEMAS_PATH = resolve(__dirname, '../../../..', SCHEMAS_DIRECTORY);
const TYPES = Object.keys(EVENT_DATA_CLASSES) as EventTypeName[];
const generated = buildEventJsonSchemaFiles();

function defsOf(schema: JsonSchema): Record<string, JsonSchema> {
  return schema.$defs as Record<string, JsonSchema>;
}

describe('the published JSON Schemas', () => {
  it('match the committed files in docs/schemas (run npm run contracts:schemas after changing a contract)', () => {
    const committed = readdirSync(SCHEMAS_PATH).filter((name) => name.endsWith('.json'));

    expect(committed.sort()).toEqual([...generated.keys()].sort());
    for (const [name, schema] of generated) {
      const onDisk: unknown = JSON.parse(readFileSync(join(SCHEMAS_PATH, name), 'utf8'));
      expect({ file: name, schema: onDisk }).toEqual({ file: name, schema });
    }
  });

  it('list every event type in index.json', () => {
    const index = generated.get(SCHEMA_INDEX_FILE) as { schemas: Array<{ type: string; file: string }> };

    expect(index.schemas.map((entry) => entry.type)).toEqual(TYPES);
  });

  it('describe nested lines as a non-empty array of the line schema, with its required fields', () => {
    const schema = generated.get(`${ORDER_PLACED_V1}.json`) as JsonSchema;
    const defs = defsOf(schema);

    expect(defs.OrderPlacedV1.properties).toMatchObject({
      lines: { type: 'array', minItems: 1, items: { $ref: '#/$defs/OrderPlacedLineV1' } },
    });
    expect(defs.OrderPlacedV1.required).toEqual([
      'orderId',
      'channel',
      'currency',
      'promisedShipBy',
      'lines',
    ]);
    expect(defs.OrderPlacedLineV1).toMatchObject({
      required: ['lineId', 'sku', 'quantity', 'unitPriceMinor'],
      additionalProperties: false,
      properties: {
        quantity: { type: 'integer', minimum: 1 },
        unitPriceMinor: { type: 'integer', minimum: 0 },
      },
    });
  });

  it('describe reason codes and dispositions as enums', () => {
    const defs = defsOf(generated.get(`${RETURN_INSPECTED_V1}.json`) as JsonSchema);

    expect(defs.ReturnInspectedLineV1.properties).toMatchObject({
      disposition: { type: 'string', enum: ['RESTOCK', 'REFURBISH', 'LIQUIDATE', 'SCRAP'] },
    });
  });

  describe('agree with validateCloudEvent', () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, validateFormats: false });

    it.each(TYPES)('on the valid example of %s', (type) => {
      const validate = ajv.compile(generated.get(`${type}.json`) as JsonSchema);

      expect(validate(exampleEvent(type))).toBe(true);
    });

    it.each([
      ['a zero quantity', { 'data.lines[0].quantity': 0 }],
      ['a fractional price', { 'data.lines[0].unitPriceMinor': 1.5 }],
      ['no lines', { 'data.lines': [] }],
      ['a missing currency', { 'data.currency': ABSENT }],
      ['an unknown data field', { 'data.colour': 'red' }],
      ['a time with an offset', { time: '2026-11-20T10:00:00.000+01:00' }],
      ['a camelCase attribute', { correlationId: 'x' }],
      ['an object extension value', { tenant: {} }],
      ['another event type', { type: 'opsline.order.cancelled.v1' }],
    ])('by refusing an order.placed with %s', (_behaviour, changes) => {
      const validate = ajv.compile(generated.get(`${ORDER_PLACED_V1}.json`) as JsonSchema);
      const event = exampleEventWith(ORDER_PLACED_V1, changes);

      expect(validate(event)).toBe(false);
      expect(validateCloudEvent(event).ok).toBe(false);
    });
  });
});
