/**
 * The endpoint matrix: every route every service serves (from Fastify's router, cross-checked with the
 * OpenAPI document) needs an API key holding its scope — no key 401, a key without the scope 403 —
 * except the documented public ones; warehouse-limited keys stay in their warehouse; every POST/PUT
 * refuses a body over `HTTP_BODY_LIMIT_BYTES` with 413; every response carries the security headers.
 */
import { INGEST_WAREHOUSE_TOPIC } from '@opsline/contracts';
import { exampleEventWith } from '@opsline/contracts/testing/example-events';
import { DEFAULT_BODY_LIMIT_BYTES, SECURITY_HEADERS } from '@opsline/platform';
import type { InjectOptions, Response as InjectResponse } from 'light-my-request';
import {
  bearer,
  fastifyRoutesOf,
  KEYS,
  Operation,
  operationsOf,
  SecuritySystem,
  SERVICE_NAMES,
  startSecuritySystem,
  stopSecuritySystem,
  topicEnd,
  UNKNOWN_KEY,
} from './security-system';

/** The routes meant to answer without a key (see `@Public()` in libs/platform), per service. */
const PUBLIC_ROUTES = ['GET /health/live', 'GET /health/ready', 'GET /metrics'];

/** Sample values for path parameters. */
const PATH_SAMPLES: Record<string, string> = {
  orderId: 'ORD-SEC-1',
  returnId: 'RMA-SEC-1',
  warehouseId: 'WH-1',
  sku: 'SKU-SEC-1',
};

/**
 * Query strings that make an authorized request fail validation right after the guard: the
 * Server-Sent Events stream would otherwise never end under `inject`.
 */
const QUERY_SAMPLES: Record<string, string> = { 'GET /kpis/stream': '?granularity=not-a-granularity' };

let system: SecuritySystem;
let operations: Operation[];

beforeAll(async () => {
  system = await startSecuritySystem(__filename);
  operations = await operationsOf(system);
});
afterAll(() => stopSecuritySystem(system));

function routeOf(operation: Operation): string {
  return `${operation.service} ${operation.method} ${operation.path}`;
}

function urlOf(operation: Operation): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const sample = PATH_SAMPLES[name];
    if (sample === undefined)
      throw new Error(`no sample for path parameter ${name} of ${routeOf(operation)}`);
    return sample;
  });
  return path + (QUERY_SAMPLES[`${operation.method} ${operation.path}`] ?? '');
}

function hasBody(operation: Operation): boolean {
  return operation.method === 'POST' || operation.method === 'PUT' || operation.method === 'PATCH';
}

async function call(
  operation: Operation,
  headers: Record<string, string>,
  body?: string,
): Promise<InjectResponse> {
  const options: InjectOptions = {
    method: operation.method as InjectOptions['method'],
    url: urlOf(operation),
    headers: hasBody(operation) ? { 'content-type': 'application/json', ...headers } : headers,
    payload: hasBody(operation) ? (body ?? '{}') : undefined,
  };
  return system.apps[operation.service].inject(options);
}

function answer(route: string, response: InjectResponse): { route: string; status: number; code?: string } {
  const code = response.headers['content-type']?.toString().includes('json')
    ? (response.json<{ error?: { code?: string } }>().error?.code ?? undefined)
    : undefined;
  return code === undefined
    ? { route, status: response.statusCode }
    : { route, status: response.statusCode, code };
}

describe('the route list', () => {
  it('finds every route Fastify serves in the OpenAPI document', () => {
    for (const service of SERVICE_NAMES) {
      const documented = new Set(
        operations
          .filter((operation) => operation.service === service)
          .map((operation) => `${operation.method} ${operation.path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
      const served = fastifyRoutesOf(system.apps[service])
        .filter((route) => !/^\/docs(-json|\/|$)/.test(route.path))
        .map((route) => `${route.method} ${route.path}`);
      expect(served.length).toBeGreaterThan(3);
      for (const route of served)
        expect({ service, route, documented: documented.has(route) }).toEqual({
          service,
          route,
          documented: true,
        });
    }
  });

  it('has exactly the documented public routes: health and metrics', () => {
    for (const service of SERVICE_NAMES) {
      const publicRoutes = operations
        .filter((operation) => operation.service === service && operation.isPublic)
        .map((operation) => `${operation.method} ${operation.path}`);
      expect({ service, publicRoutes: publicRoutes.sort() }).toEqual({
        service,
        publicRoutes: PUBLIC_ROUTES,
      });
    }
  });
});

describe('every protected route', () => {
  const protectedOperations = (): Operation[] => operations.filter((operation) => !operation.isPublic);

  it('answers 401 without a key, with a malformed header and with an unknown key', async () => {
    expect(protectedOperations().length).toBeGreaterThanOrEqual(19);
    for (const operation of protectedOperations()) {
      const route = routeOf(operation);
      for (const [headers, code] of [
        [{}, 'AUTH.MISSING_KEY'],
        [{ authorization: `Basic ${KEYS.admin}` }, 'AUTH.MALFORMED_AUTHORIZATION'],
        [bearer(UNKNOWN_KEY), 'AUTH.UNKNOWN_KEY'],
      ] as const) {
        const response = await call(operation, headers);
        expect(answer(route, response)).toEqual({ route, status: 401, code });
        expect({ route, challenge: response.headers['www-authenticate'] }).toEqual({
          route,
          challenge: 'Bearer realm="opsline"',
        });
      }
    }
  });

  it('declares at least one scope', () => {
    for (const operation of protectedOperations()) {
      expect({ route: routeOf(operation), scopes: operation.requiredScopes.length > 0 }).toEqual({
        route: routeOf(operation),
        scopes: true,
      });
    }
  });

  it('answers 403 to a key with an unrelated scope and to a key holding every scope but the required one', async () => {
    for (const operation of protectedOperations()) {
      const route = routeOf(operation);
      const lackingKeys = [
        KEYS.wrongScope,
        ...operation.requiredScopes.map((scope) =>
          scope === 'admin' ? KEYS.allBut['kpi:read'] : KEYS.allBut[scope],
        ),
      ];
      for (const key of lackingKeys) {
        expect(key).toBeDefined();
        const response = await call(operation, bearer(key));
        expect(answer(route, response)).toEqual({ route, status: 403, code: 'AUTH.MISSING_SCOPE' });
        expect({ route, message: response.json<{ error: { message: string } }>().error.message }).toEqual({
          route,
          message: expect.stringContaining(operation.requiredScopes[0]),
        });
      }
    }
  });

  it('lets an admin key past the guard (so the refusals above are about the key)', async () => {
    for (const operation of protectedOperations()) {
      const route = routeOf(operation);
      const response = await call(operation, bearer(KEYS.admin));
      expect({ route, status: response.statusCode }).toEqual({ route, status: expect.any(Number) });
      expect({ route, refused: [401, 403].includes(response.statusCode) }).toEqual({ route, refused: false });
      expect({ route, serverError: response.statusCode >= 500 }).toEqual({ route, serverError: false });
    }
  });
});

describe('every public route', () => {
  it('answers without a key', async () => {
    for (const operation of operations.filter((candidate) => candidate.isPublic)) {
      const response = await call(operation, {});
      expect({ route: routeOf(operation), refused: [401, 403].includes(response.statusCode) }).toEqual({
        route: routeOf(operation),
        refused: false,
      });
    }
  });
});

describe('a warehouse-limited key', () => {
  const wh1 = bearer(KEYS.warehouseWriteWh1);
  const read1 = bearer(KEYS.inventoryReadWh1);
  const goodsReceived = (id: string, warehouseId: string) =>
    exampleEventWith('opsline.wms.goods-received.v1', { id, 'data.warehouseId': warehouseId });

  it('may not send another warehouse’s events to POST /ingest/warehouse, alone or in a batch', async () => {
    const before = await topicEnd(system.kafka, INGEST_WAREHOUSE_TOPIC);
    const single = await system.apps.inventory.inject({
      method: 'POST',
      url: '/ingest/warehouse',
      headers: { ...wh1, 'content-type': 'application/cloudevents+json' },
      payload: JSON.stringify(goodsReceived('sec-wh-1', 'WH-2')),
    });
    expect(answer('POST /ingest/warehouse WH-2', single)).toEqual({
      route: 'POST /ingest/warehouse WH-2',
      status: 403,
      code: 'AUTH.WAREHOUSE_FORBIDDEN',
    });
    expect(single.json<{ error: { message: string } }>().error.message).toContain('"WH-2"');
    const batch = await system.apps.inventory.inject({
      method: 'POST',
      url: '/ingest/warehouse',
      headers: { ...wh1, 'content-type': 'application/cloudevents-batch+json' },
      payload: JSON.stringify([goodsReceived('sec-wh-2', 'WH-1'), goodsReceived('sec-wh-3', 'WH-2')]),
    });
    expect(answer('POST /ingest/warehouse batch WH-1+WH-2', batch)).toEqual({
      route: 'POST /ingest/warehouse batch WH-1+WH-2',
      status: 403,
      code: 'AUTH.WAREHOUSE_FORBIDDEN',
    });
    expect(await topicEnd(system.kafka, INGEST_WAREHOUSE_TOPIC)).toBe(before);

    const own = await system.apps.inventory.inject({
      method: 'POST',
      url: '/ingest/warehouse',
      headers: { ...wh1, 'content-type': 'application/cloudevents+json' },
      payload: JSON.stringify(goodsReceived('sec-wh-4', 'WH-1')),
    });
    expect(answer('POST /ingest/warehouse WH-1', own)).toEqual({
      route: 'POST /ingest/warehouse WH-1',
      status: 202,
    });
    expect(await topicEnd(system.kafka, INGEST_WAREHOUSE_TOPIC)).toBe(before + 1);
  });

  it('may set reorder points only in its warehouse', async () => {
    for (const [warehouseId, status] of [
      ['WH-2', 403],
      ['WH-1', 200],
    ] as const) {
      const route = `PUT /inventory/policies/${warehouseId}/SKU-1`;
      const response = await system.apps.inventory.inject({
        method: 'PUT',
        url: `/inventory/policies/${warehouseId}/SKU-1`,
        headers: { ...wh1, 'content-type': 'application/json' },
        payload: JSON.stringify({ reorderPoint: 5 }),
      });
      expect({ route, status: response.statusCode }).toEqual({ route, status });
    }
  });

  it('may read positions and ledgers only of its warehouse, named in warehouseId', async () => {
    for (const [url, status] of [
      ['/inventory/positions?warehouseId=WH-2', 403],
      ['/inventory/positions', 403],
      ['/inventory/ledger?warehouseId=WH-2&sku=SKU-1', 403],
      ['/inventory/positions?warehouseId=WH-1', 200],
      ['/inventory/ledger?warehouseId=WH-1&sku=SKU-1', 200],
    ] as const) {
      const response = await system.apps.inventory.inject({ method: 'GET', url, headers: read1 });
      expect({ route: `GET ${url}`, status: response.statusCode }).toEqual({ route: `GET ${url}`, status });
      if (status === 403) {
        expect(response.json<{ error: { code: string } }>().error.code).toBe('AUTH.WAREHOUSE_FORBIDDEN');
      }
    }
  });
});

describe('body limits', () => {
  it('answers 413 to a body over HTTP_BODY_LIMIT_BYTES on every POST and PUT route, JSON and CloudEvents', async () => {
    const bodyRoutes = operations.filter(hasBody);
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(8);
    const oversized = JSON.stringify({ padding: 'x'.repeat(DEFAULT_BODY_LIMIT_BYTES) });
    for (const operation of bodyRoutes) {
      for (const contentType of [
        'application/json',
        'application/cloudevents+json',
        'application/cloudevents-batch+json',
      ]) {
        const route = `${routeOf(operation)} (${contentType})`;
        const response = await system.apps[operation.service].inject({
          method: operation.method as InjectOptions['method'],
          url: urlOf(operation),
          headers: { ...bearer(KEYS.admin), 'content-type': contentType },
          payload: oversized,
        });
        expect(answer(route, response)).toEqual({ route, status: 413, code: 'REQUEST.PAYLOAD_TOO_LARGE' });
      }
    }
  });

  it('reads a body just under the limit (the 413 is about size)', async () => {
    const body = JSON.stringify({ reorderPoint: 3, padding: '' });
    const nearLimit = body.replace('""', `"${'x'.repeat(DEFAULT_BODY_LIMIT_BYTES - body.length - 16)}"`);
    const response = await system.apps.inventory.inject({
      method: 'PUT',
      url: '/inventory/policies/WH-1/SKU-2',
      headers: { ...bearer(KEYS.admin), 'content-type': 'application/json' },
      payload: nearLimit,
    });
    expect(response.statusCode).not.toBe(413);
    expect(response.statusCode).toBeLessThan(500);
  });
});

describe('security headers', () => {
  function expectSecurityHeaders(route: string, response: InjectResponse): void {
    expect({ route, headers: response.headers }).toMatchObject({ route, headers: SECURITY_HEADERS });
    expect({ route, poweredBy: response.headers['x-powered-by'] }).toEqual({ route, poweredBy: undefined });
  }

  it('are on every answer of every route: refused, served, public, and unknown routes', async () => {
    for (const operation of operations) {
      const route = routeOf(operation);
      expectSecurityHeaders(`${route} (no key)`, await call(operation, {}));
      expectSecurityHeaders(`${route} (admin)`, await call(operation, bearer(KEYS.admin)));
    }
    for (const service of SERVICE_NAMES) {
      for (const url of ['/docs-json', '/no-such-route']) {
        expectSecurityHeaders(
          `${service} GET ${url}`,
          await system.apps[service].inject({ method: 'GET', url }),
        );
      }
    }
  });
});
