import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningBroker, silentLogger, startBroker } from '@opsline/kafka-broker';
import { Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { bootstrapService, loadConfig, type PingableDataSource, type RunningService } from '../src';
import { SlowDrainer, TestEnvironment, TestServiceModule } from './test-service';

jest.setTimeout(60_000);

// Jest cannot `require` ESM-only packages (Node >= 20.19 can), and @fastify/static, which serves the
// Swagger UI, requires the ESM-only content-disposition for downloads, which the UI never uses.
jest.mock('content-disposition', () => ({
  create: () => 'attachment',
  parse: () => ({ type: 'attachment' }),
}));

const KEYS = 'k-orders=orders:write,orders:read;k-wh1=warehouse:write@WH-1;k-kpi=kpi:read;k-admin=admin';

/** Collects the JSON log lines of one app. */
class LogCapture implements DestinationStream {
  readonly lines: Record<string, unknown>[] = [];
  write(line: string): void {
    this.lines.push(JSON.parse(line) as Record<string, unknown>);
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startService(
  vars: Record<string, string>,
  dataSource?: PingableDataSource,
): Promise<{ service: RunningService; logs: LogCapture }> {
  const environment = loadConfig(TestEnvironment, { LOG_LEVEL: 'info', ...vars });
  environment.PORT = 0; // any free port; PORT itself must be 1..65535
  const logs = new LogCapture();
  const service = await bootstrapService({
    name: 'platform-test',
    rootModule: TestServiceModule.forRoot(environment, logs, dataSource),
    environment,
    version: '1.2.3',
    handleSignals: false,
  });
  return { service, logs };
}

function bearer(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${key}`, ...extra };
}

function json(
  body: unknown,
  contentType = 'application/json',
): { body: string; headers: Record<string, string> } {
  return { body: JSON.stringify(body), headers: { 'content-type': contentType } };
}

describe('platform (keys configured, broker down)', () => {
  let service: RunningService;
  let logs: LogCapture;
  const url = (path: string): string => `${service.url}${path}`;
  const post = (path: string, key: string, body: unknown, contentType?: string): Promise<Response> => {
    const request = json(body, contentType);
    return fetch(url(path), { method: 'POST', body: request.body, headers: bearer(key, request.headers) });
  };

  beforeAll(async () => {
    ({ service, logs } = await startService({
      OPSLINE_API_KEYS: KEYS,
      KAFKA_BROKERS: `127.0.0.1:${await closedPort()}`,
    }));
  });

  afterAll(async () => {
    await service.shutdown();
  });

  it('answers /health/live without a key', async () => {
    const response = await fetch(url('/health/live'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  it('reports a stopped broker on /health/ready with 503 and details', async () => {
    const response = await fetch(url('/health/ready'));
    expect(response.status).toBe(503);
    const body = (await response.json()) as {
      status: string;
      details: { kafka: { status: string; brokers: string } };
    };
    expect(body.status).toBe('error');
    expect(body.details.kafka.status).toBe('down');
    expect(body.details.kafka.brokers).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(body.details).not.toHaveProperty('database');
  });

  it('answers 401 without a key or with an unknown one, in the error shape', async () => {
    const missing = await fetch(url('/test/orders'), {
      method: 'POST',
      ...json({ orderId: 'A', quantity: 1 }),
    });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="opsline"');
    expect(await missing.json()).toEqual({
      error: { code: 'AUTH.MISSING_KEY', message: 'Send an API key as "Authorization: Bearer <key>"' },
    });
    const unknown = await post('/test/orders', 'nope', { orderId: 'A', quantity: 1 });
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('AUTH.UNKNOWN_KEY');
  });

  it('answers 403 to a key without the scope and 201 to one with it or admin', async () => {
    const wrongScope = await post('/test/orders', 'k-kpi', { orderId: 'A', quantity: 1 });
    expect(wrongScope.status).toBe(403);
    expect(await wrongScope.json()).toEqual({
      error: { code: 'AUTH.MISSING_SCOPE', message: 'This API key lacks the scope orders:write' },
    });
    const allowed = await post('/test/orders', 'k-orders', { orderId: 'A', quantity: 2 });
    expect(allowed.status).toBe(201);
    expect(await allowed.json()).toEqual({ orderId: 'A', quantity: 2, key: 'key #1' });
    expect((await post('/test/orders', 'k-admin', { orderId: 'B', quantity: 1 })).status).toBe(201);
  });

  it('refuses the dev key when keys are configured', async () => {
    expect((await post('/test/orders', 'dev-key', { orderId: 'A', quantity: 1 })).status).toBe(401);
  });

  it('lets a warehouse-limited key send events of its warehouse only, naming the refused one', async () => {
    const own = await post('/test/ingest/warehouse', 'k-wh1', { id: 'e1', data: { warehouseId: 'WH-1' } });
    expect(own.status).toBe(202);
    const other = await post('/test/ingest/warehouse', 'k-wh1', [
      { id: 'e2', data: { warehouseId: 'WH-1' } },
      { id: 'e3', data: { warehouseId: 'WH-2' } },
    ]);
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({
      error: {
        code: 'AUTH.WAREHOUSE_FORBIDDEN',
        message: 'This API key may not send events for warehouse "WH-2" (it is limited to "WH-1")',
      },
    });
  });

  it('parses application/cloudevents+json and the batch media type as JSON', async () => {
    const event = { specversion: '1.0', id: 'ce-1', type: 't', source: '/s', data: { warehouseId: 'WH-1' } };
    const single = await post(
      '/test/ingest/warehouse',
      'k-wh1',
      event,
      'application/cloudevents+json; charset=utf-8',
    );
    expect(single.status).toBe(202);
    expect(await single.json()).toEqual({ accepted: ['ce-1'] });
    const batch = await post(
      '/test/ingest/warehouse',
      'k-admin',
      [event, { ...event, id: 'ce-2' }],
      'application/cloudevents-batch+json',
    );
    expect(await batch.json()).toEqual({ accepted: ['ce-1', 'ce-2'] });
  });

  it('answers 413 in the error shape to a 2 MiB body', async () => {
    const big = { id: 'big', data: { warehouseId: 'WH-1', padding: 'x'.repeat(2 * 1024 * 1024) } };
    const response = await post('/test/ingest/warehouse', 'k-admin', big, 'application/cloudevents+json');
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: {
        code: 'REQUEST.PAYLOAD_TOO_LARGE',
        message: 'The request body is larger than the limit of 1048576 bytes',
      },
    });
  });

  it('answers 400 to bad JSON, 415 to other media types and 400 with fields to invalid DTOs', async () => {
    const badJson = await fetch(url('/test/orders'), {
      method: 'POST',
      body: '{"orderId": ',
      headers: bearer('k-orders', { 'content-type': 'application/json' }),
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({
      error: { code: 'REQUEST.INVALID_JSON', message: 'The request body is not valid JSON' },
    });
    const text = await fetch(url('/test/orders'), {
      method: 'POST',
      body: 'orderId=A',
      headers: bearer('k-orders', { 'content-type': 'text/plain' }),
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe(
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    );
    const invalid = await post('/test/orders', 'k-orders', { orderId: 'A', quantity: 0 });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      error: {
        code: 'REQUEST.VALIDATION_FAILED',
        message: 'Invalid request: quantity',
        fields: [{ field: 'quantity', rule: 'min', message: 'quantity must not be less than 1' }],
      },
    });
  });

  it('maps domain errors and unknown routes to the error shape', async () => {
    const notFound = await fetch(url('/test/orders/ORD-9'), { headers: bearer('k-orders') });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({
      error: { code: 'ORDER.NOT_FOUND', message: 'Order "ORD-9" does not exist' },
    });
    const noRoute = await fetch(url('/nowhere'));
    expect(noRoute.status).toBe(404);
    expect(((await noRoute.json()) as { error: { code: string } }).error.code).toBe('ROUTE.NOT_FOUND');
  });

  it('answers what the Fastify router refuses itself (a path parameter too long, an undecodable URL) in the error shape', async () => {
    const tooLong = await fetch(url(`/test/orders/${'O'.repeat(200)}`), { headers: bearer('k-orders') });
    expect(tooLong.status).toBe(414);
    expect(await tooLong.json()).toEqual({
      error: { code: 'REQUEST.URI_TOO_LONG', message: expect.stringContaining('max param length') },
    });
    const badUrl = await fetch(url('/test/orders/%E0%A4%A'), { headers: bearer('k-orders') });
    expect(badUrl.status).toBe(400);
    expect(await badUrl.json()).toEqual({
      error: { code: 'REQUEST.INVALID', message: expect.stringContaining('not a valid url component') },
    });
  });

  it('echoes the correlation id, keeps it in the async context and logs it', async () => {
    const given = await fetch(url('/test/correlation'), {
      headers: bearer('k-kpi', { 'x-correlation-id': 'corr-123' }),
    });
    expect(given.headers.get('x-correlation-id')).toBe('corr-123');
    expect(await given.json()).toEqual({ correlationId: 'corr-123' });
    const generated = await fetch(url('/test/correlation'), { headers: bearer('k-kpi') });
    const id = generated.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await generated.json()).toEqual({ correlationId: id });
    const posted = await post('/test/orders', 'k-orders', { orderId: 'LOGGED', quantity: 1 });
    const postedId = posted.headers.get('x-correlation-id');
    const lines = logs.lines.filter((line) => line.correlationId === postedId);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['placing order LOGGED', 'request completed']),
    );
    for (const line of lines)
      expect(line).toMatchObject({ service: 'platform-test', correlationId: postedId });
    const tooLarge = await post('/test/orders', 'k-orders', { padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(tooLarge.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs the API key', () => {
    expect(JSON.stringify(logs.lines)).not.toContain('k-orders');
  });

  it('exposes the HTTP histogram by route template and the shared instruments on /metrics', async () => {
    await fetch(url('/test/orders/ORD-1'), { headers: bearer('k-orders') });
    const response = await fetch(url('/metrics'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(
      /opsline_http_request_duration_seconds_count\{method="GET",route="\/test\/orders\/:id",status_code="404"\} [1-9]/,
    );
    expect(text).toMatch(
      /opsline_http_request_duration_seconds_bucket\{le="0\.005",method="POST",route="\/test\/orders",status_code="201"\}/,
    );
    for (const name of [
      'opsline_consumer_lag',
      'opsline_outbox_backlog',
      'opsline_dead_letters_total',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('documents the routes with bearer auth at /docs-json and serves the UI at /docs', async () => {
    const response = await fetch(url('/docs-json'));
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      info: { title: string };
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      paths: Record<string, Record<string, { security?: unknown[]; 'x-required-scopes'?: string[] }>>;
    };
    expect(document.info.title).toBe('opsline platform-test 1.2.3');
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/test/orders'].post.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/test/orders'].post['x-required-scopes']).toEqual(['orders:write']);
    expect(document.paths['/health/live'].get.security).toEqual([]);
    expect(document.paths['/metrics'].get.security).toEqual([]);
    const ui = await fetch(url('/docs'));
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});

describe('platform rate limiting per API key', () => {
  let service: RunningService;
  const url = (path: string): string => `${service.url}${path}`;
  const placeOrder = (key: string) =>
    fetch(url('/test/orders'), {
      method: 'POST',
      ...json({ orderId: 'ORD-1', quantity: 1 }),
      headers: bearer(key, { 'content-type': 'application/json' }),
    });

  beforeAll(async () => {
    ({ service } = await startService({
      OPSLINE_API_KEYS: KEYS,
      KAFKA_BROKERS: `127.0.0.1:${await closedPort()}`,
      HTTP_RATE_LIMIT_PER_SECOND: '1',
      HTTP_RATE_LIMIT_BURST: '3',
    }));
  });

  afterAll(async () => {
    await service.shutdown();
  });

  it('answers 429 with Retry-After once a key has spent its burst, and other keys go on', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await placeOrder('k-orders')).status);
    expect(statuses).toEqual([201, 201, 201, 429]);

    const refused = await placeOrder('k-orders');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toEqual({
      error: { code: 'REQUEST.RATE_LIMITED', message: expect.stringMatching(/retry in \d+ s/) },
    });
    expect((await placeOrder('k-admin')).status).toBe(201);
  });

  it('spends the budget of an address that sends unknown keys, then answers 429 instead of 401', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await placeOrder(`guess-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('never limits the public health and metrics routes', async () => {
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(url('/health/live'))).status);
    expect(new Set(statuses)).toEqual(new Set([200]));
  });
});

describe('platform (no keys configured, broker up)', () => {
  let service: RunningService;
  let logs: LogCapture;
  let broker: RunningBroker;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'opsline-platform-'));
    broker = await startBroker({ port: 0, dataDir, logger: silentLogger });
    const database: PingableDataSource = { isInitialized: true, query: async () => [{ ok: 1 }] };
    ({ service, logs } = await startService({ KAFKA_BROKERS: broker.address }, database));
  });

  afterAll(async () => {
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('warns loudly at start that the dev key is accepted', () => {
    const warning = logs.lines.find((line) => String(line.msg).includes('OPSLINE_API_KEYS is not set'));
    expect(warning).toMatchObject({ level: 'warn', service: 'platform-test' });
    expect(String(warning?.msg)).toContain('"Authorization: Bearer dev-key" with EVERY scope');
  });

  it('accepts the dev key with every scope and nothing else', async () => {
    const headers = (key: string) => bearer(key, { 'content-type': 'application/json' });
    const body = JSON.stringify({ orderId: 'A', quantity: 1 });
    const dev = await fetch(`${service.url}/test/orders`, {
      method: 'POST',
      body,
      headers: headers('dev-key'),
    });
    expect(dev.status).toBe(201);
    const other = await fetch(`${service.url}/test/orders`, {
      method: 'POST',
      body,
      headers: headers('k-orders'),
    });
    expect(other.status).toBe(401);
  });

  it('is ready when the broker and the registered database answer', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up' }, kafka: { status: 'up', brokers: 1 } },
    });
  });

  it('shuts down gracefully within the timeout, running the shutdown hooks', async () => {
    const drainer = service.app.get(SlowDrainer);
    const outcome = await service.shutdown('SIGTERM');
    expect(outcome).toMatchObject({ completed: true, pending: [] });
    expect(outcome.durationMs).toBeLessThan(service.app.get(TestEnvironment).SHUTDOWN_TIMEOUT_MS);
    expect(drainer.drained).toBe(true);
    await expect(fetch(`${service.url}/health/live`)).rejects.toThrow();
    expect(logs.lines.map((line) => line.msg)).toContain(`Shut down in ${outcome.durationMs} ms`);
  });
});

describe('platform shutdown deadline', () => {
  afterEach(() => {
    SlowDrainer.drainMs = 100;
  });

  it('gives up at SHUTDOWN_TIMEOUT_MS and logs the hook still running', async () => {
    SlowDrainer.drainMs = 1500;
    const { service, logs } = await startService({
      SHUTDOWN_TIMEOUT_MS: '200',
      KAFKA_BROKERS: `127.0.0.1:${await closedPort()}`,
    });
    const outcome = await service.shutdown('SIGTERM');
    expect(outcome.completed).toBe(false);
    expect(outcome.durationMs).toBeLessThan(1000);
    expect(outcome.pending.map((work) => work.name)).toEqual(['SlowDrainer.beforeApplicationShutdown']);
    const report = logs.lines.find((line) =>
      String(line.msg).startsWith('Shutdown did not finish within 200 ms'),
    );
    expect(report).toMatchObject({ level: 'error' });
    expect(String(report?.msg)).toContain('still running: SlowDrainer.beforeApplicationShutdown');
    // Let the slow hook finish so the app is fully closed before the next suite.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });
});

describe('platform startup', () => {
  it('refuses a root module that does not import PlatformModule, saying so', async () => {
    @Module({})
    class BareModule {}
    const environment = loadConfig(TestEnvironment, { LOG_LEVEL: 'silent' });
    // Also writes one fatal JSON line to stderr (fd 2, synchronously), which shows in the test output.
    await expect(
      bootstrapService({ name: 'bare', rootModule: BareModule, environment, handleSignals: false }),
    ).rejects.toThrow('The root module must import PlatformModule.forRoot({ serviceName, environment })');
  });
});
