import { ORDER_PLACED_V1 } from './events/ingest/order-placed.v1';
import { exampleEvent } from './testing/example-events';
import {
  MAX_EVENT_DEPTH,
  parseCloudEventBytes,
  validateCloudEvent,
  validateCloudEventBatch,
} from './validation';

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? { a: value } : [value];
  return value;
}

const tooDeep = { field: '(body)', rule: 'maxDepth', message: expect.stringContaining(`${MAX_EVENT_DEPTH}`) };

describe('deeply nested events', () => {
  it('are refused with a field error, not a stack overflow, however deep', () => {
    for (const depth of [MAX_EVENT_DEPTH, 3_000, 200_000]) {
      const event = {
        ...exampleEvent(ORDER_PLACED_V1),
        data: { ...exampleEvent(ORDER_PLACED_V1).data, lines: nested(depth) },
      };
      expect(validateCloudEvent(event)).toEqual({ ok: false, errors: [tooDeep] });
      // Written as text: JSON.stringify itself recurses.
      const bytes = `${JSON.stringify(exampleEvent(ORDER_PLACED_V1)).slice(0, -1)},"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      expect(parseCloudEventBytes(Buffer.from(bytes))).toEqual({ ok: false, errors: [tooDeep] });
      expect(validateCloudEventBatch([exampleEvent(ORDER_PLACED_V1), event])).toEqual({
        ok: false,
        errors: [{ ...tooDeep, field: '[1]' }],
      });
    }
  });

  it('leave every valid example untouched', () => {
    expect(validateCloudEvent(exampleEvent(ORDER_PLACED_V1)).ok).toBe(true);
  });
});
