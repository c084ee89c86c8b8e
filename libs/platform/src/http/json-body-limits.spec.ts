import fc from 'fast-check';
import Fastify from 'fastify';
import { registerJsonBodyParsers } from './fastify-hooks';
import { forbiddenPropertyError, jsonDepth, MAX_JSON_BODY_DEPTH, tooDeepBodyError } from './json-body-limits';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { a: value };
  return value;
}

describe('jsonDepth', () => {
  it('counts nesting levels of objects and arrays, scalars being 0', () => {
    expect(jsonDepth(7)).toBe(0);
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ data: { lines: [{ sku: 'SKU-1' }] } })).toBe(4);
    expect(jsonDepth([1, [2, [3]], { a: 1 }])).toBe(3);
  });

  it('measures any depth without recursion', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200_000 }), (depth) => {
        expect(jsonDepth(nested(depth))).toBe(depth);
      }),
      { numRuns: 20 },
    );
  });
});

describe('tooDeepBodyError and forbiddenPropertyError', () => {
  it('refuses only bodies deeper than the limit, naming the body', () => {
    expect(tooDeepBodyError(nested(MAX_JSON_BODY_DEPTH))).toBeUndefined();
    expect(tooDeepBodyError('text')).toBeUndefined();
    expect(tooDeepBodyError(nested(MAX_JSON_BODY_DEPTH + 1))).toMatchObject({
      code: 'REQUEST.TOO_DEEP',
      httpStatus: 400,
      fields: [{ field: '(body)', rule: 'maxDepth' }],
    });
  });

  it('names a refused body that is JSON (a __proto__ key), not one that is broken', () => {
    expect(forbiddenPropertyError('{"a":{"__proto__":{}}}')).toMatchObject({
      code: 'REQUEST.FORBIDDEN_PROPERTY',
      fields: [{ field: '(body)', rule: 'forbiddenProperty' }],
    });
    expect(forbiddenPropertyError('{"a":')).toBeUndefined();
  });
});

describe('registerJsonBodyParsers', () => {
  async function post(
    payload: string,
  ): Promise<{ status: number; error: { code?: string; message?: string } }> {
    const fastify = Fastify();
    registerJsonBodyParsers(fastify);
    fastify.setErrorHandler(
      (error: { code?: string; message: string; httpStatus?: number }, _request, reply) =>
        reply.status(error.httpStatus ?? 500).send({ code: error.code, message: error.message }),
    );
    fastify.post('/', async (request) => ({ received: request.body }));
    const response = await fastify.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/cloudevents+json' },
      payload,
    });
    await fastify.close();
    return { status: response.statusCode, error: response.json() };
  }

  it('answers 400 naming the problem for deep bodies and __proto__ keys, and parses the rest', async () => {
    expect(await post(JSON.stringify(nested(MAX_JSON_BODY_DEPTH + 1)))).toMatchObject({
      status: 400,
      error: { code: 'REQUEST.TOO_DEEP' },
    });
    expect(await post('{"data":{"__proto__":{"admin":true}}}')).toMatchObject({
      status: 400,
      error: { code: 'REQUEST.FORBIDDEN_PROPERTY' },
    });
    expect(await post('{"a":')).toMatchObject({ status: 400, error: { code: 'REQUEST.INVALID_JSON' } });
    expect(await post(JSON.stringify({ data: { lines: [{ sku: 'SKU-1' }] } }))).toEqual({
      status: 200,
      error: { received: { data: { lines: [{ sku: 'SKU-1' }] } } },
    });
  });
});
