import { plainToInstance } from 'class-transformer';
import { IsOptional, IsString, validateSync } from 'class-validator';

import type { ValidatedClass } from './common/collections';
import { CloudEventEnvelope } from './envelope/cloud-event';
import { EVENT_DATA_CLASSES, type EventTypeName } from './registry';
import { EXAMPLE_DATA, exampleEvent } from './testing/example-events';
import { compileClassCheck } from './validation-fast-path';

type Plain = Record<string, unknown>;

const CANDIDATE_VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'ORD 1',
  'EUR',
  'RESTOCK',
  'DAMAGE',
  '2026-11-20T10:00:00.000Z',
  '2026-02-30T10:00:00.000Z',
  0,
  1,
  -1,
  1.5,
  2 ** 31,
  2 ** 53,
  true,
  [],
  [{}],
  {},
];

/** Every JSON path of leaves and arrays in `value` (`lines`, `lines[0]`, `lines[0].sku`, …). */
function pathsOf(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) {
    return [prefix, ...value.flatMap((item, index) => pathsOf(item, `${prefix}[${index}]`))];
  }
  if (typeof value === 'object' && value !== null) {
    const paths = Object.entries(value).flatMap(([key, item]) =>
      pathsOf(item, prefix ? `${prefix}.${key}` : key),
    );
    return prefix ? [prefix, ...paths] : paths;
  }
  return [prefix];
}

function withValueAt(root: Plain, path: string, value: unknown): Plain {
  const copy = structuredClone(root);
  const segments = path.split(/\.|\[(\d+)\]/).filter((segment) => segment !== undefined && segment !== '');
  let container = copy as Plain;
  for (const segment of segments.slice(0, -1)) {
    container = container[segment] as Plain;
  }
  const last = segments[segments.length - 1];
  if (value === undefined && Array.isArray(container)) {
    container.splice(Number(last), 1); // JSON arrays have no holes
  } else if (value === undefined) {
    delete container[last];
  } else {
    container[last] = value;
  }
  return copy;
}

/** The variants of an example: every path set to every candidate value, plus an unknown key. */
function variantsOf(example: Plain): Plain[] {
  const paths = pathsOf(example);
  return [
    example,
    { ...example, unexpected: 1 },
    ...paths.flatMap((path) => CANDIDATE_VALUES.map((value) => withValueAt(example, path, value))),
  ];
}

const DATA_OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

describe('the compiled fast path', () => {
  describe.each(Object.keys(EVENT_DATA_CLASSES) as EventTypeName[])('for %s data', (type) => {
    const dataClass: ValidatedClass = EVENT_DATA_CLASSES[type];
    const check = compileClassCheck(dataClass, true);

    it('compiles', () => {
      expect(check).not.toBeNull();
    });

    it('accepts exactly what class-validator accepts, over every field set to every kind of value', () => {
      const disagreements = variantsOf(EXAMPLE_DATA[type]).filter((plain) => {
        const byClassValidator = validateSync(plainToInstance(dataClass, plain), DATA_OPTIONS).length === 0;
        return check?.accepts(plain) !== byClassValidator;
      });

      expect(disagreements).toEqual([]);
    });

    it('builds the same instances as plainToInstance', () => {
      const built = check?.instantiate(structuredClone(EXAMPLE_DATA[type]));

      expect(built).toEqual(plainToInstance(dataClass, EXAMPLE_DATA[type]));
      expect(built).toBeInstanceOf(dataClass);
    });
  });

  it('accepts exactly the envelopes class-validator accepts', () => {
    const check = compileClassCheck(CloudEventEnvelope, false);
    const { data: _data, ...attributes } = exampleEvent('opsline.order.placed.v1');

    const disagreements = variantsOf(attributes).filter((plain) => {
      const envelope = Object.assign(new CloudEventEnvelope(), { ...plain, data: {} });
      const byClassValidator = validateSync(envelope).length === 0;
      return check?.accepts({ ...plain, data: {} }) !== byClassValidator;
    });

    expect(disagreements).toEqual([]);
  });

  it('declines a data key that class-transformer would drop, leaving the decision to class-validator', () => {
    const check = compileClassCheck(EVENT_DATA_CLASSES['opsline.order.cancelled.v1'], true);
    const plain = JSON.parse('{"orderId":"ORD-1","reason":"r","__proto__":{"polluted":true}}') as Plain;

    expect(check?.accepts(plain)).toBe(false);
  });

  it('compiles property names that need quoting in source', () => {
    class Quoted {
      @IsString()
      'say "hi"\\n'!: string;

      @IsOptional()
      @IsString({ each: true })
      '\u2028'?: string[];
    }
    const check = compileClassCheck(Quoted, true);

    expect(check?.accepts({ 'say "hi"\\n': 'x', '\u2028': ['a'] })).toBe(true);
    expect(check?.accepts({ 'say "hi"\\n': 'x', '\u2028': [1] })).toBe(false);
    expect(check?.accepts({ 'say "hi"\\n': 1 })).toBe(false);
  });
});
