/**
 * No API key and no database password ever reaches a log line (or an error body): the four services
 * run at LOG_LEVEL=debug with a DATABASE_URL carrying a password, every route is called with valid,
 * wrong-scope, unknown and malformed credentials, and every line they write is searched.
 */
import { loadConfig } from '@opsline/platform';
import fs from 'node:fs';
import { OrdersEnvironment } from '../../apps/orders/src/orders.environment';
import {
  bearer,
  KEYS,
  operationsOf,
  SecuritySystem,
  startSecuritySystem,
  stopSecuritySystem,
  UNKNOWN_KEY,
} from './security-system';

/** Used when the test server's URL has no password of its own (trust authentication ignores it). */
const ADDED_PASSWORD = 'sec-db-password-6e1f0a9c3b7d';

const written: string[] = [];
let writeSync: jest.SpyInstance;
let system: SecuritySystem;
let databasePassword = ADDED_PASSWORD;

function withPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password === '') parsed.password = ADDED_PASSWORD;
  databasePassword = decodeURIComponent(parsed.password);
  return parsed.toString();
}

beforeAll(async () => {
  const original = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
  // pino writes its lines synchronously to fd 1 (sonic-boom → fs.writeSync); keep them, and let
  // anything else (Jest's own output) through.
  writeSync = jest.spyOn(fs, 'writeSync').mockImplementation(((
    fd: number,
    data: unknown,
    ...rest: unknown[]
  ) => {
    const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : undefined;
    if ((fd === 1 || fd === 2) && text?.trimStart().startsWith('{')) {
      written.push(text);
      return Buffer.byteLength(text);
    }
    return original(fd, data, ...rest);
  }) as typeof fs.writeSync);
  system = await startSecuritySystem(__filename, { vars: { LOG_LEVEL: 'debug' }, databaseUrl: withPassword });
});

afterAll(async () => {
  await stopSecuritySystem(system);
  writeSync.mockRestore();
});

const ALL_KEYS = [
  KEYS.admin,
  KEYS.wrongScope,
  KEYS.warehouseWriteWh1,
  KEYS.inventoryReadWh1,
  UNKNOWN_KEY,
  ...Object.values(KEYS.allBut),
];

it('writes no API key and no database password, whatever the credentials sent', async () => {
  const bodies: string[] = [];
  for (const operation of await operationsOf(system)) {
    const url =
      operation.path.replace(/\{(\w+)\}/g, 'SEC-1') +
      (operation.path === '/kpis/stream' ? '?granularity=x' : '');
    const credentials: Record<string, string>[] = [
      bearer(KEYS.admin),
      bearer(KEYS.wrongScope),
      bearer(KEYS.allBut['orders:read']),
      bearer(UNKNOWN_KEY),
      { authorization: `Basic ${Buffer.from(`user:${KEYS.admin}`).toString('base64')}` },
      { authorization: `Token ${KEYS.warehouseWriteWh1}` },
      { 'x-api-key': KEYS.inventoryReadWh1, cookie: `session=${KEYS.admin}` },
    ];
    for (const headers of credentials) {
      const response = await system.apps[operation.service].inject({
        method: operation.method as 'GET',
        url,
        headers: operation.method === 'GET' ? headers : { ...headers, 'content-type': 'application/json' },
        payload: operation.method === 'GET' ? undefined : '{"reason":"x"}',
      });
      bodies.push(response.body);
    }
  }
  const log = written.join('');
  if (process.env.SECURITY_DUMP_LOG) fs.writeFileSync(process.env.SECURITY_DUMP_LOG, log);
  // The search means something: request lines, refusals and startup lines were all captured.
  expect(log).toContain('"statusCode":401');
  expect(log).toContain('"statusCode":403');
  expect(log).toContain('"service":"kpi"');
  for (const secret of [...ALL_KEYS, databasePassword, encodeURIComponent(databasePassword)]) {
    expect({ secret, inLog: log.includes(secret) }).toEqual({ secret, inLog: false });
    expect({ secret, inAnswer: bodies.some((body) => body.includes(secret)) }).toEqual({
      secret,
      inAnswer: false,
    });
  }
  const base64Admin = Buffer.from(`user:${KEYS.admin}`).toString('base64');
  expect(log.includes(base64Admin)).toBe(false);
});

it('names bad secret settings at startup without repeating them', () => {
  const badKey = 'sec-bad-scope-key-2d9f7c1a5e3b';
  const badPassword = 'sec-bad-url-password-8a4c2e6f';
  let message = '';
  try {
    loadConfig(OrdersEnvironment, {
      DATABASE_URL: `mysql://opsline:${badPassword}@db.example:3306/opsline`,
      KAFKA_BROKERS: 'localhost:9092',
      OPSLINE_API_KEYS: `${badKey}=Orders:Write;${KEYS.admin}=admin@WH-1`,
    });
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  expect(message).toContain('DATABASE_URL');
  expect(message).toContain('OPSLINE_API_KEYS');
  for (const secret of [badKey, badPassword, KEYS.admin]) {
    expect({ secret, inMessage: message.includes(secret) }).toEqual({ secret, inMessage: false });
  }
});
